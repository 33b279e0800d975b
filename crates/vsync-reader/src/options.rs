//! How to read: delimiter, mapping, limits.

use crate::mapping::Mapping;

/// Caps that protect against hostile or broken files. Checked before a sheet is loaded
/// (declared dimensions, file and part sizes) and while it is streamed (cell positions and
/// counts), so a sheet with one far-away cell is refused instead of allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file, in bytes.
    pub max_file_bytes: u64,
    /// Largest uncompressed part (sheet, shared strings) inside a workbook, in bytes.
    pub max_part_bytes: u64,
    /// Most rows in one sheet or CSV file, header included.
    pub max_rows: u64,
    /// Most columns in one sheet or CSV file.
    pub max_columns: u64,
    /// Most non-empty cells in one sheet or CSV file.
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 2 << 30,
            max_part_bytes: 1 << 30,
            max_rows: 5_000_000,
            max_columns: 1_000,
            max_cells: 100_000_000,
        }
    }
}

/// Options for [`read`](crate::read).
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The CSV delimiter; `None` sniffs it from the header line (`,`, `;`, tab or `|`).
    pub delimiter: Option<u8>,
    /// How to map an HRIS export's columns onto vsync's; `None` expects vsync's own headers.
    pub mapping: Option<Mapping>,
    /// Size caps.
    pub limits: Limits,
    /// Refuse a file whose content does not match its extension (on by default).
    pub check_file_type: bool,
    /// Most problems kept in a [`ReadError`](crate::ReadError); the rest are counted.
    pub max_problems: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            delimiter: None,
            mapping: None,
            limits: Limits::default(),
            check_file_type: true,
            max_problems: 1_000,
        }
    }
}

impl ReadOptions {
    /// Sets the CSV delimiter.
    pub fn with_delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = Some(delimiter);
        self
    }

    /// Sets the mapping.
    pub fn with_mapping(mut self, mapping: Mapping) -> Self {
        self.mapping = Some(mapping);
        self
    }

    /// Sets the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}
