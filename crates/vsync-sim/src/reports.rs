//! XLSX reports.
