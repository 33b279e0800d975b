//! CSV files: streamed with one reused record, the delimiter sniffed, UTF-8 with or without
//! BOM, quoted newlines allowed.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::mpsc::{Receiver, sync_channel};

use csv::ByteRecord;
use sha2::{Digest, Sha256};

use crate::build::{Builder, CellFault, Place, Row, SheetPlan};
use crate::error::ProblemKind;
use crate::schema::SheetKind;

/// A record as a [`Row`].
struct CsvRow<'a>(&'a ByteRecord);

impl Row for CsvRow<'_> {
    fn cell(&self, i: usize) -> Result<&str, CellFault> {
        match self.0.get(i) {
            None => Ok(""),
            Some(bytes) => std::str::from_utf8(bytes).map_err(|_| CellFault::InvalidUtf8),
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Passes bytes through, remembering the last one that is not a space or tab: a file whose
/// last row has no line end was probably cut short.
struct TailReader<R> {
    inner: R,
    last: Option<u8>,
}

impl<R: Read> Read for TailReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        if let Some(&b) = out[..n].iter().rev().find(|b| !matches!(b, b' ' | b'\t')) {
            self.last = Some(b);
        }
        Ok(n)
    }
}

/// Picks the delimiter of the header line: the most frequent of `,`, `;`, tab and `|` outside
/// quotes (`,` when none appears).
pub(crate) fn sniff_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = candidates.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let (best, count) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, usize::MAX - i))
        .expect("four candidates");
    if *count == 0 { b',' } else { candidates[best] }
}

/// Reads a file on a second thread, hashing it as it goes, and hands the chunks over.
pub(crate) struct ChunkReader {
    rx: Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            match self.rx.recv() {
                Ok(chunk) => {
                    self.chunk = chunk?;
                    self.pos = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Streams `source` through `parse` while a second thread reads it and adds it to `hasher`
/// (left unfinished if `parse` stops early: the input is refused then anyway).
pub(crate) fn with_hashing_reader<T>(
    mut source: impl Read + Send,
    hasher: &mut Sha256,
    parse: impl FnOnce(ChunkReader) -> T,
) -> T {
    const CHUNK: usize = 1 << 20;
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(4);
        let mut local = std::mem::take(hasher);
        let hashing = scope.spawn(move || {
            loop {
                let mut chunk = vec![0; CHUNK];
                let mut filled = 0;
                while filled < CHUNK {
                    match source.read(&mut chunk[filled..]) {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return None;
                        }
                    }
                }
                if filled == 0 {
                    return Some(local);
                }
                chunk.truncate(filled);
                local.update(&chunk);
                if tx.send(Ok(chunk)).is_err() {
                    return None;
                }
            }
        });
        let out = parse(ChunkReader {
            rx,
            chunk: Vec::new(),
            pos: 0,
        });
        if let Ok(Some(local)) = hashing.join() {
            *hasher = local;
        }
        out
    })
}

/// Parses one CSV file of sheet `kind` into the builder; `mapped`: whether the mapping
/// applies.
pub(crate) fn parse_csv(
    reader: impl Read,
    file_len: u64,
    place: &Place,
    kind: SheetKind,
    mapped: bool,
    builder: &mut Builder<'_>,
) {
    let options = builder.options();
    let limits = options.limits;
    let reader = TailReader {
        inner: reader,
        last: None,
    };
    let mut buf = BufReader::with_capacity(1 << 16, reader);
    let head = match buf.fill_buf() {
        Ok(head) => head,
        Err(e) => {
            builder.problem(place.problem(ProblemKind::Io, format!("failed to read: {e}")));
            return;
        }
    };
    if head.is_empty() {
        builder.problem(place.problem(ProblemKind::Empty, "file is empty"));
        return;
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        builder.problem(place.problem(
            ProblemKind::Encoding,
            "file is UTF-16; save it as UTF-8 CSV",
        ));
        return;
    }
    if options.check_file_type {
        if head.starts_with(b"PK\x03\x04") {
            builder.problem(place.problem(
                ProblemKind::WrongFileType,
                "file is a workbook (ZIP), not CSV text; name it .xlsx",
            ));
            return;
        }
        if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            builder.problem(place.problem(
                ProblemKind::WrongFileType,
                "file is a binary workbook, not CSV text",
            ));
            return;
        }
        if head.contains(&0) {
            builder
                .problem(place.problem(ProblemKind::WrongFileType, "file is binary, not CSV text"));
            return;
        }
    }
    let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(&head[bom..]));
    if kind == SheetKind::Users {
        let lines = head.split(|b| *b == b'\n').count().max(1);
        let estimate = (file_len as usize / (head.len() / lines).max(1)).saturating_add(16);
        builder.reserve_users(estimate.min(limits.max_rows as usize));
    }
    buf.consume(bom);

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 16)
        .from_reader(buf);
    let mut record = ByteRecord::new();
    // The last data row read, handed to the builder once the next one shows it was not the
    // file's last (a last row without its line end was probably cut, and is not read).
    let mut pending = ByteRecord::new();
    let mut has_pending = false;
    let mut plan: Option<SheetPlan> = None;
    let mut header_seen = false;
    let mut cells = 0u64;
    // The header's width without trailing blank headers.
    let mut width = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let row = e.position().map_or(0, |p| p.record() + 1);
                let mut problem = place.problem(ProblemKind::Io, format!("failed to read: {e}"));
                if row > 0 {
                    problem = problem.at_row(row);
                }
                builder.problem(problem);
                return;
            }
        }
        // A record is one spreadsheet row, quoted newlines or not. (Blank lines, which the
        // CSV parser skips, are not counted: exports do not have them.)
        let row = row_of(&record);
        let bytes = record.as_slice();
        if row > limits.max_rows || record.len() as u64 > limits.max_columns {
            let message = format!(
                "file is larger than the limit of {} rows and {} columns",
                limits.max_rows, limits.max_columns
            );
            builder.problem(place.problem(ProblemKind::TooLarge, message).at_row(row));
            return;
        }
        cells += record.len() as u64;
        if cells > limits.max_cells {
            let message = format!("file has more than the limit of {} cells", limits.max_cells);
            builder.problem(place.problem(ProblemKind::TooLarge, message).at_row(row));
            return;
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            width = record
                .iter()
                .rposition(|h| !h.iter().all(u8::is_ascii_whitespace))
                .map_or(0, |i| i + 1);
            plan = builder.begin(kind, place.clone(), &CsvRow(&record), row, mapped);
            if plan.is_none() {
                return;
            }
            continue;
        }
        let Some(plan) = plan.as_mut() else { return };
        if has_pending {
            data_row(plan, &pending, width, place, builder);
        }
        std::mem::swap(&mut record, &mut pending);
        has_pending = true;
    }
    let tail = reader.into_inner().into_inner().last;
    let Some(mut plan) = plan else {
        builder.problem(place.problem(ProblemKind::Empty, "file is empty (no header row)"));
        return;
    };
    if has_pending {
        if matches!(tail, Some(b'\n' | b'\r')) {
            data_row(&mut plan, &pending, width, place, builder);
        } else {
            plan.rows += 1;
            let column = plan.header(pending.len().saturating_sub(1)).to_owned();
            builder.problem(
                place
                    .problem(
                        ProblemKind::CutShort,
                        "the last row has no line end, so the file was probably cut short; the row is not read (if the file is complete, end it with a line break)",
                    )
                    .at_row(row_of(&pending))
                    .in_column(column),
            );
        }
    }
    builder.end(&plan);
}

/// The row a record is, as the spreadsheet shows it.
fn row_of(record: &ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::record) + 1
}

/// Hands a data row to the builder, unless it has fewer fields than the header.
fn data_row(
    plan: &mut SheetPlan,
    record: &ByteRecord,
    width: usize,
    place: &Place,
    builder: &mut Builder<'_>,
) {
    let row = row_of(record);
    if record.len() < width {
        plan.rows += 1;
        let message = format!(
            "row has {} of the header's {width} fields, so the file was probably cut short",
            record.len()
        );
        let column = plan.header(record.len()).to_owned();
        builder.problem(
            place
                .problem(ProblemKind::CutShort, message)
                .at_row(row)
                .in_column(column),
        );
        return;
    }
    builder.row(plan, row, &CsvRow(record));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_header_delimiter() {
        assert_eq!(sniff_delimiter(b"username;email;displayName\na,b;c"), b';');
        assert_eq!(sniff_delimiter(b"username\temail\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter(b"username\n"), b',');
        assert_eq!(sniff_delimiter(b"a|b|c\n"), b'|');
    }

    #[test]
    fn chunk_reader_passes_all_bytes_and_hashes_them() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut hasher = Sha256::new();
        let read = with_hashing_reader(&data[..], &mut hasher, |mut r| {
            let mut out = Vec::new();
            r.read_to_end(&mut out).unwrap();
            out
        });
        assert_eq!(read, data);
        assert_eq!(hasher.finalize(), Sha256::digest(&data));
    }
}
