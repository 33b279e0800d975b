//! The generated files the benchmark and the `read` example use.

use std::io::Write;
use std::path::Path;

use vsync_reader::Mapping;

/// The HRIS-style users CSV the benchmark reads: about 100 bytes a row.
pub fn write_users_csv(path: &Path, rows: usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "Work Email,Preferred Name,Last Name,Employee Number,Employment Status,Department"
    )
    .unwrap();
    let departments = ["Finance", "Sales", "Engineering", "People"];
    for i in 0..rows {
        let status = if i % 50 == 0 { "Terminated" } else { "Active" };
        writeln!(
            out,
            "first{i}.last{i}@example-corp.com,First{i},Last-{i},{i:08},{status},{}",
            departments[i % departments.len()]
        )
        .unwrap();
    }
    out.flush().unwrap();
}

/// The same users as an XLSX workbook (employee numbers as numeric cells).
pub fn write_users_xlsx(path: &Path, rows: usize) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = [
        "Work Email",
        "Preferred Name",
        "Last Name",
        "Employee Number",
        "Employment Status",
        "Department",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..rows {
        let r = i as u32 + 1;
        sheet
            .write_string(r, 0, format!("first{i}.last{i}@example-corp.com"))
            .unwrap();
        sheet.write_string(r, 1, format!("First{i}")).unwrap();
        sheet.write_string(r, 2, format!("Last-{i}")).unwrap();
        sheet.write_number(r, 3, (i + 100_000) as f64).unwrap();
        sheet
            .write_string(r, 4, if i % 50 == 0 { "Terminated" } else { "Active" })
            .unwrap();
        sheet.write_string(r, 5, "Finance").unwrap();
    }
    workbook.save(path).unwrap();
}

/// The mapping both files are read with.
pub fn mapping() -> Mapping {
    Mapping::from_toml_str(
        r#"
        [columns]
        username = "Work Email"
        email = "Work Email"
        employeeId = "Employee Number"
        displayName = "{Preferred Name} {Last Name}"
        accountEnabled = "Employment Status"
        [values.accountEnabled]
        Active = true
        Terminated = false
        "#,
    )
    .unwrap()
}
