//! Workbooks built by hand, part by part, so that a test can make one that lies: a
//! shared-strings table declaring four billion entries, sixty million tiny strings packed in a
//! few megabytes, a styles part with a million formats. Large repetitive parts are written as a
//! deflate stream of back-references directly (fixed Huffman codes), so a gigabyte of XML
//! costs a few megabytes and no compression time.
//!
//! Also used by the CLI's end-to-end tests and the `hostile` example.

#![allow(dead_code)]

/// A piece of a part's content.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Bytes as they are.
    Text(Vec<u8>),
    /// `pattern` written `count` times.
    Repeat { pattern: Vec<u8>, count: u64 },
}

impl Piece {
    pub fn text(text: impl AsRef<[u8]>) -> Self {
        Self::Text(text.as_ref().to_vec())
    }

    pub fn repeat(pattern: impl AsRef<[u8]>, count: u64) -> Self {
        Self::Repeat {
            pattern: pattern.as_ref().to_vec(),
            count,
        }
    }

    fn len(&self) -> u64 {
        match self {
            Self::Text(t) => t.len() as u64,
            Self::Repeat { pattern, count } => pattern.len() as u64 * count,
        }
    }
}

/// Writes bits least significant first, as deflate does.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn new() -> Self {
        Self {
            out: Vec::new(),
            acc: 0,
            n: 0,
        }
    }

    fn put(&mut self, value: u64, bits: u32) {
        self.acc |= value << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u32, bits: u32) {
        let reversed = code.reverse_bits() >> (32 - bits);
        self.put(u64::from(reversed), bits);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }

    fn literal(&mut self, byte: u8) {
        match byte {
            0..=143 => self.code(0x30 + u32::from(byte), 8),
            _ => self.code(0x190 + u32::from(byte) - 144, 9),
        }
    }

    /// Copies 258 bytes from `distance` back.
    fn copy_258(&mut self, distance: u32) {
        // Length 258 is symbol 285: fixed code 11000101, no extra bits.
        self.code(0xC5, 8);
        let (code, extra, value) = distance_code(distance);
        self.code(code, 5);
        if extra > 0 {
            self.put(u64::from(value), extra);
        }
    }
}

/// The distance code, its extra bits and their value.
fn distance_code(d: u32) -> (u32, u32, u32) {
    assert!((1..=32_768).contains(&d));
    for code in 0..30u32 {
        let (base, extra) = if code < 4 {
            (code + 1, 0)
        } else {
            let extra = code / 2 - 1;
            (((2 | (code & 1)) << extra) + 1, extra)
        };
        if d >= base && d < base + (1 << extra) {
            return (code, extra, d - base);
        }
    }
    unreachable!()
}

/// A raw deflate stream of the pieces (one fixed-Huffman block).
fn deflate(pieces: &[Piece]) -> Vec<u8> {
    let mut bits = Bits::new();
    bits.put(1, 1); // final block
    bits.put(1, 2); // fixed Huffman codes
    for piece in pieces {
        match piece {
            Piece::Text(t) => {
                for b in t {
                    bits.literal(*b);
                }
            }
            Piece::Repeat { pattern, count } => {
                if *count == 0 {
                    continue;
                }
                let d = pattern.len() as u32;
                assert!(d <= 32_768, "patterns must fit the window");
                for b in pattern {
                    bits.literal(*b);
                }
                let mut rest = (count - 1) * u64::from(d);
                let mut phase = 0usize;
                while rest >= 258 {
                    bits.copy_258(d);
                    rest -= 258;
                    phase = (phase + 258) % pattern.len();
                }
                for _ in 0..rest {
                    bits.literal(pattern[phase]);
                    phase = (phase + 1) % pattern.len();
                }
            }
        }
    }
    bits.code(0, 7); // end of block
    bits.finish()
}

fn crc(pieces: &[Piece]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => hasher.update(t),
            Piece::Repeat { pattern, count } => {
                // A chunk of whole patterns, fed as often as it fits, then the rest.
                let per_chunk = (1 << 16) / pattern.len().max(1) + 1;
                let chunk = pattern.repeat(per_chunk);
                let mut left = *count;
                while left >= per_chunk as u64 {
                    hasher.update(&chunk);
                    left -= per_chunk as u64;
                }
                for _ in 0..left {
                    hasher.update(pattern);
                }
            }
        }
    }
    hasher.finalize()
}

/// A ZIP package of the parts: small parts stored, parts with repeats deflated.
pub fn zip(parts: &[(&str, Vec<Piece>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, pieces) in parts {
        let size = pieces.iter().map(Piece::len).sum::<u64>();
        let size = u32::try_from(size).expect("parts under 4 GiB");
        let crc = crc(pieces);
        let repeated = pieces.iter().any(|p| matches!(p, Piece::Repeat { .. }));
        let (method, data): (u16, Vec<u8>) = if repeated {
            (8, deflate(pieces))
        } else {
            let mut data = Vec::new();
            for p in pieces {
                if let Piece::Text(t) = p {
                    data.extend_from_slice(t);
                }
            }
            (0, data)
        };
        let offset = out.len() as u32;
        let header = |sig: &[u8], central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(sig);
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes()); // time and date
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend_from_slice(&data);
        central.extend(header(b"PK\x01\x02", true));
    }
    let dir_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&dir_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A shared-strings part: `attributes` on `<sst>` (declared counts), then the pieces.
pub fn sst(attributes: &str, body: Vec<Piece>) -> Vec<Piece> {
    let mut pieces = vec![Piece::text(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"{MAIN}\" {attributes}><si><t>username</t></si><si><t>jane@example.com</t></si>"
    ))];
    pieces.extend(body);
    pieces.push(Piece::text("</sst>"));
    pieces
}

/// The styles part with the pieces inside `<styleSheet>` (or a plain one).
pub fn styles(body: Option<Vec<Piece>>) -> Vec<Piece> {
    let mut pieces = vec![Piece::text(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"{MAIN}\">"
    ))];
    pieces.extend(body.unwrap_or_else(|| {
        vec![Piece::text(
            "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts><cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\"/></cellXfs>",
        )]
    }));
    pieces.push(Piece::text("</styleSheet>"));
    pieces
}

/// A one-sheet workbook (sheet `Users`: `username` / `jane@example.com`, both shared strings)
/// with the given shared-strings and styles parts, and any extra parts.
pub fn workbook(
    shared_strings: Vec<Piece>,
    styles: Vec<Piece>,
    extra: Vec<(&str, Vec<Piece>)>,
) -> Vec<u8> {
    let text = |t: String| vec![Piece::text(t)];
    let mut parts: Vec<(&str, Vec<Piece>)> = vec![
        (
            "[Content_Types].xml",
            text(String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>",
            )),
        ),
        (
            "_rels/.rels",
            text(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" Type=\"{DOC}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            )),
        ),
        (
            "xl/workbook.xml",
            text(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{MAIN}\" xmlns:r=\"{DOC}\"><sheets><sheet name=\"Users\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            )),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            text(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" Type=\"{DOC}/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"{DOC}/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"{DOC}/styles\" Target=\"styles.xml\"/></Relationships>"
            )),
        ),
        (
            "xl/worksheets/sheet1.xml",
            text(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{MAIN}\"><dimension ref=\"A1:A2\"/><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>"
            )),
        ),
        ("xl/sharedStrings.xml", shared_strings),
        ("xl/styles.xml", styles),
    ];
    parts.extend(extra);
    zip(&parts)
}

/// The honest workbook the hostile ones are variations of.
pub fn honest() -> Vec<u8> {
    workbook(
        sst("count=\"2\" uniqueCount=\"2\"", Vec::new()),
        styles(None),
        Vec::new(),
    )
}

/// A shared-strings header claiming four billion entries, in about 2 KB.
pub fn sst_four_billion() -> Vec<u8> {
    workbook(
        sst(
            "count=\"4294967295\" uniqueCount=\"4294967295\"",
            Vec::new(),
        ),
        styles(None),
        Vec::new(),
    )
}

/// A shared-strings header claiming more entries than an address space holds.
pub fn sst_capacity_overflow() -> Vec<u8> {
    workbook(
        sst("uniqueCount=\"9223372036854775807\"", Vec::new()),
        styles(None),
        Vec::new(),
    )
}

/// Sixty million one-letter shared strings (a gigabyte of XML) in a few megabytes.
pub fn sst_sixty_million() -> Vec<u8> {
    workbook(
        sst("", vec![Piece::repeat("<si><t>a</t></si>", 60_000_000)]),
        styles(None),
        Vec::new(),
    )
}

/// A thousand shared strings of a million characters each.
pub fn sst_huge_strings() -> Vec<u8> {
    let strings = (0..1_000)
        .flat_map(|_| {
            [
                Piece::text("<si><t>"),
                Piece::repeat("a", 1_000_000),
                Piece::text("</t></si>"),
            ]
        })
        .collect();
    workbook(
        sst("count=\"2\" uniqueCount=\"1000\"", strings),
        styles(None),
        Vec::new(),
    )
}

/// A styles part with a million cell formats.
pub fn styles_million_formats() -> Vec<u8> {
    workbook(
        sst("count=\"2\" uniqueCount=\"2\"", Vec::new()),
        styles(Some(vec![
            Piece::text("<cellXfs count=\"1000000\">"),
            Piece::repeat("<xf numFmtId=\"0\"/>", 1_000_000),
            Piece::text("</cellXfs>"),
        ])),
        Vec::new(),
    )
}

/// A styles part whose sixty thousand formats each copy a 4 MB font.
pub fn styles_copied_font() -> Vec<u8> {
    workbook(
        sst("count=\"2\" uniqueCount=\"2\"", Vec::new()),
        styles(Some(vec![
            Piece::text("<fonts count=\"1\"><font><name val=\""),
            Piece::repeat("x", 4_000_000),
            Piece::text("\"/></font></fonts><cellXfs count=\"60000\">"),
            Piece::repeat("<xf numFmtId=\"0\" fontId=\"0\"/>", 60_000),
            Piece::text("</cellXfs>"),
        ])),
        Vec::new(),
    )
}

/// Makes a workbook.
pub type Make = fn() -> Vec<u8>;

/// Every hostile workbook, by file name.
pub const HOSTILE: [(&str, Make); 6] = [
    ("sst_four_billion.xlsx", sst_four_billion),
    ("sst_capacity_overflow.xlsx", sst_capacity_overflow),
    ("sst_sixty_million.xlsx", sst_sixty_million),
    ("sst_huge_strings.xlsx", sst_huge_strings),
    ("styles_million_formats.xlsx", styles_million_formats),
    ("styles_copied_font.xlsx", styles_copied_font),
];
