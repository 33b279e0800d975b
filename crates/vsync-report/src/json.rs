//! The JSON report: the [`Report`] itself, serialised (schema in
//! `schema/report-v1.schema.json`).

use std::io::Write;

use crate::error::ReportError;
use crate::model::Report;

impl Report {
    /// Writes the report as pretty-printed JSON (see `schema/report-v1.schema.json`).
    pub fn write_json(&self, mut writer: impl Write) -> Result<(), ReportError> {
        serde_json::to_writer_pretty(&mut writer, self).map_err(ReportError::Json)?;
        writer.write_all(b"\n").map_err(ReportError::io("json"))
    }
}
