//! Checks a workbook's ZIP directory before anything is decompressed: every part's declared
//! size must be within [`Limits::max_part_bytes`], so a small file that unpacks to gigabytes
//! of shared strings is refused up front.

use crate::error::ProblemKind;
use crate::options::Limits;

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

/// Checks the declared sizes of every part.
pub(crate) fn check_parts(bytes: &[u8], limits: &Limits) -> Result<(), (ProblemKind, String)> {
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
    let mut at = 0;
    while at < dir.len() {
        if !dir[at..].starts_with(b"PK\x01\x02") {
            return Err(damaged());
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
        if uncompressed > limits.max_part_bytes {
            let message = format!(
                "workbook part {} unpacks to {uncompressed} bytes, more than the limit of {}",
                String::from_utf8_lossy(name),
                limits.max_part_bytes
            );
            return Err((ProblemKind::TooLarge, message));
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(())
}
