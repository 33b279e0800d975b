//! How to read: delimiter, mapping, the caps on hostile files and the limits a tenant enforces.

use crate::mapping::Mapping;

/// Caps that protect against hostile or broken files. Checked before a workbook part is
/// decompressed (the ZIP directory's declared sizes, the declared counts of the shared-strings
/// and styles parts, sheet dimensions) and while a sheet is streamed (cell positions and
/// counts), so a small file that claims billions of entries is refused instead of allocated.
///
/// With the defaults, reading any file takes well under 1 GiB of memory beyond the file
/// itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest input file, in bytes.
    pub max_file_bytes: u64,
    /// Largest uncompressed worksheet or shared-strings part inside a workbook, in bytes.
    pub max_part_bytes: u64,
    /// Largest uncompressed part of any other kind (workbook, relationships, styles, theme):
    /// calamine reads these whole, so they are kept small.
    pub max_meta_part_bytes: u64,
    /// Most parts (files) in a workbook's ZIP package.
    pub max_parts: u64,
    /// Most rows in one sheet or CSV file, header included.
    pub max_rows: u64,
    /// Most columns in one sheet or CSV file.
    pub max_columns: u64,
    /// Most cells in one sheet or CSV file (empty cells a workbook lists count too).
    pub max_cells: u64,
    /// Most entries in a workbook's shared-strings table, declared or found.
    pub max_shared_strings: u64,
    /// Most memory the shared-strings table may take once loaded, in bytes (estimated from
    /// the strings found: each costs its text plus a fixed overhead).
    pub max_shared_string_bytes: u64,
    /// Most cell formats (and fonts, fills, borders, number formats) in a workbook's styles.
    pub max_styles: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 2 << 30,
            max_part_bytes: 1 << 30,
            max_meta_part_bytes: 64 << 20,
            max_parts: 10_000,
            max_rows: 5_000_000,
            max_columns: 1_000,
            max_cells: 100_000_000,
            max_shared_strings: 10_000_000,
            max_shared_string_bytes: 512 << 20,
            max_styles: 65_536,
        }
    }
}

/// What a Visier tenant accepts, checked when the file is read so that a sync does not fail
/// half-way on a value the tenant refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantLimits {
    /// Most users the input may hold (Visier: 25,000 a tenant, 100 on trial tenants).
    pub max_users: usize,
    /// Longest username, in characters (Visier: 75).
    pub max_username_chars: usize,
    /// Longest value of any other field or list item (display name, email, employee ID,
    /// group, permission and profile names, description), in characters.
    pub max_field_chars: usize,
}

impl TenantLimits {
    /// Visier's documented caps: 25,000 users, usernames of at most 75 characters.
    pub const VISIER: Self = Self {
        max_users: 25_000,
        max_username_chars: 75,
        max_field_chars: 1_000,
    };
}

impl Default for TenantLimits {
    fn default() -> Self {
        Self::VISIER
    }
}

/// Options for [`read`](crate::read).
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The CSV delimiter; `None` sniffs it from the header line (`,`, `;`, tab or `|`).
    pub delimiter: Option<u8>,
    /// How to map an HRIS export's columns onto vsync's; `None` expects vsync's own headers.
    pub mapping: Option<Mapping>,
    /// Caps on hostile or broken files.
    pub limits: ReadLimits,
    /// What the tenant accepts.
    pub tenant: TenantLimits,
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
            limits: ReadLimits::default(),
            tenant: TenantLimits::default(),
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

    /// Sets the caps on hostile files.
    pub fn with_limits(mut self, limits: ReadLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets what the tenant accepts.
    pub fn with_tenant(mut self, tenant: TenantLimits) -> Self {
        self.tenant = tenant;
        self
    }

    /// Sets the most users the tenant holds.
    pub fn with_max_users(mut self, max_users: usize) -> Self {
        self.tenant.max_users = max_users;
        self
    }
}
