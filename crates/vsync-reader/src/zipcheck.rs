//! Checks a workbook's package before calamine reads it, so that a small hostile file is
//! refused instead of allocated:
//!
//! - the ZIP directory: how many parts, and every part's declared size against
//!   [`ReadLimits`] (the ZIP reader stops at the declared size, so the declared sizes bound
//!   what is decompressed). Worksheets and shared strings may be large; the parts calamine
//!   reads whole (relationships, the workbook, styles, theme) are kept small.
//! - the shared-strings part: its declared `uniqueCount` (calamine reserves that many
//!   entries up front) and `count`, then the strings themselves, counted and their memory
//!   estimated, stopping as soon as a cap is passed.
//! - the styles part: how many formats, fonts, fills and borders, and the memory calamine
//!   takes for them (every cell format holds a copy of its font, fill and border).

use std::io::{BufRead, BufReader, Cursor};

use quick_xml::Reader as XmlReader;
use quick_xml::events::{BytesStart, Event};

use crate::error::ProblemKind;
use crate::options::ReadLimits;

/// A refusal: the kind and the message.
pub(crate) type Refusal = (ProblemKind, String);

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 2)
        .map(|s| u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 4)
        .map(|s| u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8)
        .map(|s| u64::from_le_bytes(s.try_into().expect("eight bytes")))
}

/// The central directory's offset and size.
fn directory(bytes: &[u8]) -> Option<(u64, u64)> {
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (tail_start..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))?;
    let (size, offset) = (u32_at(bytes, eocd + 12)?, u32_at(bytes, eocd + 16)?);
    if size != 0xFFFF_FFFF && offset != 0xFFFF_FFFF {
        return Some((offset, size));
    }
    // ZIP64: the locator sits right before the end record.
    let locator = eocd.checked_sub(20)?;
    if !bytes[locator..].starts_with(b"PK\x06\x07") {
        return None;
    }
    let record = usize::try_from(u64_at(bytes, locator + 8)?).ok()?;
    if !bytes.get(record..)?.starts_with(b"PK\x06\x06") {
        return None;
    }
    Some((u64_at(bytes, record + 48)?, u64_at(bytes, record + 40)?))
}

/// Whether a part key has the extension.
fn has_extension(key: &str, extension: &str) -> bool {
    std::path::Path::new(key)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// One part of the package, as the ZIP directory declares it.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    /// The name as calamine looks it up: `/` separators, lower case.
    pub(crate) key: String,
    /// The declared uncompressed size.
    pub(crate) size: u64,
}

impl Part {
    /// Whether calamine reads this part whole (rather than streaming it, or not at all).
    fn read_whole(&self, office_document: Option<&str>) -> bool {
        let key = self.key.as_str();
        has_extension(key, "rels")
            || key == "[content_types].xml"
            || key.ends_with("workbook.xml")
            || key.ends_with("styles.xml")
            || key.contains("theme/")
            || key.ends_with("metadata.xml")
            || office_document == Some(key)
    }

    fn is_shared_strings(&self) -> bool {
        self.key.ends_with("sharedstrings.xml")
    }

    fn is_styles(&self) -> bool {
        self.key.ends_with("styles.xml")
    }

    /// The uncompressed size of every worksheet-like part, for estimates.
    fn is_sheet(&self) -> bool {
        self.key.contains("worksheets/")
    }
}

/// What the checks learnt about the package.
#[derive(Debug)]
pub(crate) struct Package {
    /// The declared size of the worksheet parts, together.
    pub(crate) sheet_bytes: u64,
    /// Whether any part may hold a formula (an `f` element): when none does, the reader
    /// skips its formulas pass.
    pub(crate) formulas: bool,
}

impl Default for Package {
    fn default() -> Self {
        Self {
            sheet_bytes: 0,
            formulas: true,
        }
    }
}

/// Reads the directory: every part's name and declared size.
fn parts(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<Part>, Refusal> {
    let damaged = || {
        (
            ProblemKind::Corrupt,
            "workbook is damaged (its ZIP directory is unreadable)".to_owned(),
        )
    };
    let (offset, size) = directory(bytes).ok_or_else(damaged)?;
    let start = usize::try_from(offset).map_err(|_| damaged())?;
    let end = start
        .checked_add(usize::try_from(size).map_err(|_| damaged())?)
        .ok_or_else(damaged)?;
    let dir = bytes.get(start..end).ok_or_else(damaged)?;
    let mut parts = Vec::new();
    let mut at = 0;
    while at < dir.len() {
        if !dir[at..].starts_with(b"PK\x01\x02") {
            return Err(damaged());
        }
        if parts.len() as u64 >= limits.max_parts {
            let message = format!(
                "workbook has more than {} parts, more than the limit",
                limits.max_parts
            );
            return Err((ProblemKind::TooLarge, message));
        }
        let mut uncompressed = u32_at(dir, at + 24).ok_or_else(damaged)?;
        let name_len =
            usize::try_from(u16_at(dir, at + 28).ok_or_else(damaged)?).map_err(|_| damaged())?;
        let extra_len =
            usize::try_from(u16_at(dir, at + 30).ok_or_else(damaged)?).map_err(|_| damaged())?;
        let comment_len =
            usize::try_from(u16_at(dir, at + 32).ok_or_else(damaged)?).map_err(|_| damaged())?;
        let name = dir.get(at + 46..at + 46 + name_len).ok_or_else(damaged)?;
        if uncompressed == 0xFFFF_FFFF {
            // The real size is the first field of the ZIP64 extra block.
            let extra = dir
                .get(at + 46 + name_len..at + 46 + name_len + extra_len)
                .ok_or_else(damaged)?;
            let mut e = 0;
            uncompressed = u64::MAX;
            while e + 4 <= extra.len() {
                let id = u16_at(extra, e).ok_or_else(damaged)?;
                let len = usize::try_from(u16_at(extra, e + 2).ok_or_else(damaged)?)
                    .map_err(|_| damaged())?;
                if id == 1 {
                    uncompressed = u64_at(extra, e + 4).ok_or_else(damaged)?;
                    break;
                }
                e += 4 + len;
            }
        }
        let key = String::from_utf8_lossy(name)
            .replace('\\', "/")
            .to_ascii_lowercase();
        parts.push(Part {
            key,
            size: uncompressed,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(parts)
}

/// Checks the package: part sizes, then the declared and actual counts of the shared strings
/// and styles.
pub(crate) fn check_package(bytes: &[u8], limits: &ReadLimits) -> Result<Package, Refusal> {
    let parts = parts(bytes, limits)?;
    let too_large = |part: &Part, limit: u64| {
        let message = format!(
            "workbook part {} unpacks to {} bytes, more than the limit of {limit}",
            part.key, part.size
        );
        (ProblemKind::TooLarge, message)
    };
    for part in &parts {
        if part.size > limits.max_part_bytes {
            return Err(too_large(part, limits.max_part_bytes));
        }
        if has_extension(&part.key, "rels") && part.size > limits.max_meta_part_bytes {
            return Err(too_large(part, limits.max_meta_part_bytes));
        }
    }
    // Damage is calamine's to name, in its own words.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(Package::default());
    };
    let office_document = office_document(&mut archive, &parts);
    for part in &parts {
        if part.read_whole(office_document.as_deref()) && part.size > limits.max_meta_part_bytes {
            return Err(too_large(part, limits.max_meta_part_bytes));
        }
    }
    let mut formulas = false;
    for (index, part) in parts.iter().enumerate() {
        let xml = has_extension(&part.key, "xml");
        if !xml || (formulas && !part.is_shared_strings() && !part.is_styles()) {
            continue;
        }
        let Ok(file) = archive.by_index(index) else {
            // Unreadable here: let the formulas pass look.
            formulas = true;
            continue;
        };
        let reader = BufReader::with_capacity(1 << 16, file);
        if part.is_shared_strings() {
            check_shared_strings(reader, &part.key, limits, max_uses(&parts))?;
        } else if part.is_styles() {
            check_styles(reader, &part.key, limits)?;
        } else {
            formulas = has_formula(reader);
        }
    }
    Ok(Package {
        sheet_bytes: parts.iter().filter(|p| p.is_sheet()).map(|p| p.size).sum(),
        formulas,
    })
}

/// Whether an XML part holds an `f` element (any namespace prefix), by a scan of its bytes
/// for the tag: much cheaper than parsing it. An unreadable part counts as holding one.
fn has_formula(mut reader: impl std::io::Read) -> bool {
    let mut buf = vec![0u8; 1 << 16];
    // Bytes of a tag cut by the end of the previous chunk.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = match reader.read(&mut buf[..]) {
            Ok(0) => return is_formula_tag_start(&carry),
            Ok(n) => n,
            Err(_) => return true,
        };
        let mut chunk = std::mem::take(&mut carry);
        chunk.extend_from_slice(&buf[..n]);
        let mut at = 0;
        while let Some(i) = chunk[at..].iter().position(|b| *b == b'<') {
            let tag = &chunk[at + i + 1..];
            let end = tag
                .iter()
                .position(|b| matches!(b, b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n'));
            match end {
                Some(end) => {
                    if is_formula_name(&tag[..end]) {
                        return true;
                    }
                    at += i + 1;
                }
                None if tag.len() < 64 => {
                    carry = chunk[at + i..].to_vec();
                    break;
                }
                None => at += i + 1,
            }
        }
    }
}

fn is_formula_name(name: &[u8]) -> bool {
    name == b"f" || name.ends_with(b":f")
}

fn is_formula_tag_start(rest: &[u8]) -> bool {
    rest.strip_prefix(b"<").is_some_and(is_formula_name)
}

/// How many uses of shared strings the worksheets can hold: each is a cell of at least a
/// dozen bytes of XML (`<c t="s"><v>0</v></c>`).
fn max_uses(parts: &[Part]) -> u64 {
    parts
        .iter()
        .filter(|p| has_extension(&p.key, "xml"))
        .map(|p| p.size)
        .sum::<u64>()
        / 12
        + 1
}

/// The workbook part `_rels/.rels` points at, as a part key.
fn office_document(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, parts: &[Part]) -> Option<String> {
    let index = parts.iter().position(|p| p.key == "_rels/.rels")?;
    let file = archive.by_index(index).ok()?;
    let mut xml = XmlReader::from_reader(BufReader::new(file));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let kind = attribute(&e, "Type").unwrap_or_default();
                if kind.ends_with("/officeDocument") {
                    let target = attribute(&e, "Target")?;
                    return Some(target.trim_start_matches('/').to_ascii_lowercase());
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// A declared count: digits, with anything else read as "more than any limit" (calamine
/// ignores counts it cannot parse, so refusing them only errs on the safe side).
fn declared(e: &BytesStart<'_>, name: &str) -> Option<u64> {
    let text = attribute(e, name)?;
    Some(text.trim().parse::<u64>().unwrap_or(u64::MAX))
}

/// What one shared string costs once calamine holds it: the `String` itself and its
/// allocation (the allocator's smallest block is 32 bytes).
fn string_cost(len: u64) -> u64 {
    let heap = if len == 0 {
        0
    } else {
        (len + 8).div_ceil(16) * 16
    };
    24 + heap.max(if len == 0 { 0 } else { 32 })
}

fn check_shared_strings(
    reader: impl BufRead,
    part: &str,
    limits: &ReadLimits,
    max_uses: u64,
) -> Result<(), Refusal> {
    let refuse = |message: String| {
        Err((
            ProblemKind::TooLarge,
            format!("workbook part {part} {message}"),
        ))
    };
    let mut xml = XmlReader::from_reader(reader);
    let mut buf = Vec::with_capacity(1024);
    let mut count = 0u64;
    let mut memory = 0u64;
    let mut in_string = false;
    let mut text = 0u64;
    loop {
        buf.clear();
        // Damage is calamine's to name; what was read so far was within the caps.
        let Ok(event) = xml.read_event_into(&mut buf) else {
            return Ok(());
        };
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sst" => {
                if let Some(unique) = declared(&e, "uniqueCount")
                    && unique > limits.max_shared_strings
                {
                    return refuse(format!(
                        "declares {unique} shared strings, more than the limit of {}",
                        limits.max_shared_strings
                    ));
                }
                if let Some(total) = declared(&e, "count")
                    && total > max_uses
                {
                    return refuse(format!(
                        "declares {total} uses of shared strings, more than the workbook's sheets can hold ({max_uses})"
                    ));
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                in_string = true;
                text = 0;
                count += 1;
            }
            Event::Empty(e) if e.local_name().as_ref() == "si" => {
                count += 1;
                memory += string_cost(0);
            }
            Event::End(e) if e.local_name().as_ref() == "si" => {
                in_string = false;
                memory += string_cost(text);
            }
            Event::Text(t) if in_string => text += t.len() as u64,
            Event::CData(t) if in_string => text += t.len() as u64,
            Event::GeneralRef(_) if in_string => text += 4,
            Event::Eof => break,
            _ => {}
        }
        if count > limits.max_shared_strings {
            return refuse(format!(
                "holds more than {} shared strings, the limit",
                limits.max_shared_strings
            ));
        }
        if memory + string_cost(text) > limits.max_shared_string_bytes {
            return refuse(format!(
                "holds shared strings that would take more than {} bytes of memory, the limit",
                limits.max_shared_string_bytes
            ));
        }
    }
    Ok(())
}

/// The lists of the styles part calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StyleList {
    NumFmts,
    Fonts,
    Fills,
    Borders,
    CellXfs,
}

impl StyleList {
    fn of(list: &str) -> Option<Self> {
        Some(match list {
            "numFmts" => Self::NumFmts,
            "fonts" => Self::Fonts,
            "fills" => Self::Fills,
            "borders" => Self::Borders,
            "cellXfs" => Self::CellXfs,
            _ => return None,
        })
    }

    fn tag(self) -> &'static str {
        match self {
            Self::NumFmts => "numFmts",
            Self::Fonts => "fonts",
            Self::Fills => "fills",
            Self::Borders => "borders",
            Self::CellXfs => "cellXfs",
        }
    }

    fn item(self) -> &'static str {
        match self {
            Self::NumFmts => "numFmt",
            Self::Fonts => "font",
            Self::Fills => "fill",
            Self::Borders => "border",
            Self::CellXfs => "xf",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::NumFmts => "number formats",
            Self::Fonts => "fonts",
            Self::Fills => "fills",
            Self::Borders => "borders",
            Self::CellXfs => "cell formats",
        }
    }
}

/// Sizes of the items of the lists, in bytes of XML (an upper bound of what they hold).
#[derive(Debug, Default)]
struct StyleSizes {
    num_fmts: Vec<(String, u64)>,
    fonts: Vec<u64>,
    fills: Vec<u64>,
    borders: Vec<u64>,
    xfs: u64,
}

fn check_styles(reader: impl BufRead, part: &str, limits: &ReadLimits) -> Result<(), Refusal> {
    /// What a cell format costs calamine besides the copies of its parts.
    const XF_BASE: u64 = std::mem::size_of::<calamine::Style>() as u64 + 16;
    let refuse = |message: String| {
        Err((
            ProblemKind::TooLarge,
            format!("workbook part {part} {message}"),
        ))
    };
    let mut xml = XmlReader::from_reader(reader);
    let mut buf = Vec::with_capacity(1024);
    let mut sizes = StyleSizes::default();
    let mut list: Option<StyleList> = None;
    // Where the current item started, and its numFmtId (number formats) or cost (formats).
    let mut item_start: Option<u64> = None;
    let mut memory = 0u64;
    loop {
        buf.clear();
        let before = xml.buffer_position();
        let Ok(event) = xml.read_event_into(&mut buf) else {
            return Ok(());
        };
        let after = xml.buffer_position();
        match (list, event) {
            (None, Event::Start(e)) => list = StyleList::of(e.local_name().as_ref()),
            (Some(l), Event::End(e)) if e.local_name().as_ref() == l.tag() => {
                list = None;
            }
            (Some(l), Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == l.item() => {
                let items = match l {
                    StyleList::NumFmts => {
                        let id = attribute(&e, "numFmtId").unwrap_or_default();
                        let code = attribute(&e, "formatCode").unwrap_or_default();
                        sizes.num_fmts.push((id, code.len() as u64));
                        memory += code.len() as u64 * 2 + 48;
                        sizes.num_fmts.len()
                    }
                    StyleList::CellXfs => {
                        let pick = |v: &[u64], name: &str| {
                            attribute(&e, name)
                                .and_then(|i| i.trim().parse::<usize>().ok())
                                .and_then(|i| v.get(i).copied())
                                .unwrap_or(0)
                        };
                        let id = attribute(&e, "numFmtId").unwrap_or_default();
                        let code = sizes
                            .num_fmts
                            .iter()
                            .rev()
                            .find(|(i, _)| *i == id)
                            .map_or(16, |(_, len)| *len);
                        memory += XF_BASE
                            + code
                            + pick(&sizes.fonts, "fontId")
                            + pick(&sizes.fills, "fillId")
                            + pick(&sizes.borders, "borderId");
                        sizes.xfs += 1;
                        sizes.xfs as usize
                    }
                    StyleList::Fonts | StyleList::Fills | StyleList::Borders => {
                        item_start = Some(before);
                        let target = match l {
                            StyleList::Fonts => &mut sizes.fonts,
                            StyleList::Fills => &mut sizes.fills,
                            _ => &mut sizes.borders,
                        };
                        // The size so far; completed at the item's end.
                        target.push(after - before);
                        memory += after - before;
                        target.len()
                    }
                };
                if items as u64 > limits.max_styles {
                    return refuse(format!(
                        "holds more than {} {}, the limit",
                        limits.max_styles,
                        l.name()
                    ));
                }
            }
            (
                Some(l @ (StyleList::Fonts | StyleList::Fills | StyleList::Borders)),
                Event::End(e),
            ) if e.local_name().as_ref() == l.item() => {
                if let Some(start) = item_start.take() {
                    let target = match l {
                        StyleList::Fonts => &mut sizes.fonts,
                        StyleList::Fills => &mut sizes.fills,
                        _ => &mut sizes.borders,
                    };
                    if let Some(last) = target.last_mut() {
                        memory += (after - start).saturating_sub(*last);
                        *last = after - start;
                    }
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
        if memory > limits.max_meta_part_bytes {
            return refuse(format!(
                "holds cell formats that would take more than {} bytes of memory, the limit",
                limits.max_meta_part_bytes
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sst(header: &str, strings: usize) -> Vec<u8> {
        let mut xml = format!("<?xml version=\"1.0\"?><sst xmlns=\"x\" {header}>");
        for _ in 0..strings {
            xml.push_str("<si><t>a</t></si>");
        }
        xml.push_str("</sst>");
        xml.into_bytes()
    }

    #[test]
    fn formula_elements_are_found_by_their_tag() {
        assert!(has_formula(
            &b"<sheetData><row><c r=\"A1\"><f>1+1</f><v>2</v></c></row>"[..]
        ));
        assert!(has_formula(&b"<x:c><x:f t=\"shared\" si=\"0\"/></x:c>"[..]));
        assert!(!has_formula(
            &b"<sheetData><row><c r=\"A1\" t=\"s\"><v>0</v></c></row><font/>"[..]
        ));
        // A tag split across reads.
        let reader = std::io::Read::chain(&b"<c><"[..], &b"f>1</f></c>"[..]);
        assert!(has_formula(reader));
    }

    #[test]
    fn shared_strings_declared_counts_are_checked() {
        let limits = ReadLimits::default();
        let ok = sst("count=\"3\" uniqueCount=\"3\"", 3);
        assert!(check_shared_strings(&ok[..], "sst", &limits, 1_000).is_ok());
        for header in [
            "uniqueCount=\"4294967295\"",
            "uniqueCount=\"18446744073709551615\"",
            "uniqueCount=\"99999999999999999999999\"",
            "count=\"1000000000000\"",
        ] {
            let bad = sst(header, 1);
            let err = check_shared_strings(&bad[..], "sst", &limits, 1_000).unwrap_err();
            assert_eq!(err.0, ProblemKind::TooLarge, "{header}");
        }
    }

    #[test]
    fn shared_strings_are_counted_and_their_memory_estimated() {
        let limits = ReadLimits {
            max_shared_strings: 10,
            ..ReadLimits::default()
        };
        let many = sst("", 11);
        let err = check_shared_strings(&many[..], "sst", &limits, 1_000).unwrap_err();
        assert!(err.1.contains("more than 10 shared strings"), "{}", err.1);
        let limits = ReadLimits {
            max_shared_string_bytes: 1_000,
            ..ReadLimits::default()
        };
        let err = check_shared_strings(&sst("", 100)[..], "sst", &limits, 1_000).unwrap_err();
        assert!(err.1.contains("memory"), "{}", err.1);
    }

    #[test]
    fn styles_are_counted_and_copies_of_fonts_costed() {
        let limits = ReadLimits {
            max_styles: 5,
            ..ReadLimits::default()
        };
        let xfs = "<xf numFmtId=\"0\" fontId=\"0\"/>".repeat(6);
        let xml = format!("<styleSheet><cellXfs>{xfs}</cellXfs></styleSheet>");
        let err = check_styles(xml.as_bytes(), "styles", &limits).unwrap_err();
        assert!(err.1.contains("cell formats"), "{}", err.1);

        let name = "x".repeat(10_000);
        let xfs = "<xf numFmtId=\"0\" fontId=\"0\"/>".repeat(1_000);
        let xml = format!(
            "<styleSheet><fonts><font><name val=\"{name}\"/></font></fonts><cellXfs>{xfs}</cellXfs></styleSheet>"
        );
        let limits = ReadLimits {
            max_meta_part_bytes: 1 << 20,
            ..ReadLimits::default()
        };
        let err = check_styles(xml.as_bytes(), "styles", &limits).unwrap_err();
        assert!(err.1.contains("memory"), "{}", err.1);
        assert!(check_styles(xml.as_bytes(), "styles", &ReadLimits::default()).is_ok());
    }
}
