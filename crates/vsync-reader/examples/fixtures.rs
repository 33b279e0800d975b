//! Regenerates the reader's fixtures under the repository's `fixtures/` folder.
//!
//! ```sh
//! cargo run -p vsync-reader --example fixtures
//! ```
//!
//! Deterministic: the same files come out on every run, so the committed fixtures are real
//! files that tests open as a customer's tools would have written them (and a test checks that
//! this generator reproduces them byte for byte).

use std::fs;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError,
};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The repository's `fixtures/` folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn new_workbook() -> Result<Workbook> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2024, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("vsync fixtures"),
    );
    Ok(workbook)
}

/// Writes rows of text cells; `None` leaves a cell empty.
fn text_rows(sheet: &mut Worksheet, rows: &[&[&str]]) -> std::result::Result<(), XlsxError> {
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r as u32, c as u16, *value)?;
            }
        }
    }
    Ok(())
}

fn write(path: PathBuf, bytes: impl AsRef<[u8]>) -> Result {
    fs::create_dir_all(path.parent().expect("fixture paths have a folder"))?;
    fs::write(path, bytes)?;
    Ok(())
}

fn save(mut workbook: Workbook, path: PathBuf) -> Result {
    write(path, workbook.save_to_buffer()?)
}

/// A small deterministic generator (no dependency needed for fixtures).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const HRIS_HEADER: [&str; 11] = [
    "Employee Number",
    "First Name",
    "Preferred Name",
    "Last Name",
    "Work Email",
    "Employment Status",
    "Department",
    "Location",
    "Job Title",
    "Hire Date",
    "FTE",
];

struct HrisRow {
    cells: Vec<String>,
    hire: (u16, u8, u8),
    fte: f64,
}

fn hris_rows() -> Vec<HrisRow> {
    const FIRST: [&str; 16] = [
        "Amelia", "Jonas", "Priya", "Mateo", "Sofia", "Liam", "Chloé", "Noah", "Zoë", "Ethan",
        "Aisha", "Lucas", "Mia", "Oliver", "Ingrid", "Kenji",
    ];
    const LAST: [&str; 16] = [
        "Nguyen",
        "Schmidt",
        "Patel",
        "García",
        "Rossi",
        "O'Brien",
        "Dubois",
        "Müller",
        "Kowalski",
        "Tanaka",
        "Smith",
        "Johansson",
        "Silva",
        "Brown",
        "Novak",
        "Ito",
    ];
    const DEPT: [&str; 6] = [
        "Finance",
        "Sales",
        "Engineering",
        "People",
        "Marketing",
        "Operations",
    ];
    const LOC: [&str; 4] = ["London", "Toronto", "Vancouver", "Berlin"];
    const TITLE: [&str; 5] = ["Analyst", "Manager", "Specialist", "Director", "Associate"];
    let mut rng = Lcg(42);
    (1..=300u32)
        .map(|n| {
            let first = rng.pick(&FIRST);
            let last = rng.pick(&LAST);
            let preferred = if rng.next().is_multiple_of(5) {
                rng.pick(&["Mel", "Jo", "Sam", "Alex"])
            } else {
                ""
            };
            let status = match rng.next() % 20 {
                0 | 1 => "Terminated",
                2 => "On Leave",
                _ => "Active",
            };
            let local: String = format!("{first}.{last}{n}")
                .to_lowercase()
                .chars()
                .map(|c| match c {
                    'é' | 'ë' => 'e',
                    'í' => 'i',
                    'ü' => 'u',
                    c => c,
                })
                .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            let hire = (
                2010 + (rng.next() % 14) as u16,
                1 + (rng.next() % 12) as u8,
                1 + (rng.next() % 28) as u8,
            );
            let half = rng.next().is_multiple_of(6);
            let fte = if half { 0.5 } else { 1.0 };
            let cells = vec![
                format!("{:06}", n * 7),
                first.to_owned(),
                preferred.to_owned(),
                last.to_owned(),
                format!("{local}@example.com"),
                status.to_owned(),
                rng.pick(&DEPT).to_owned(),
                rng.pick(&LOC).to_owned(),
                rng.pick(&TITLE).to_owned(),
                format!("{:04}-{:02}-{:02}", hire.0, hire.1, hire.2),
                if half { "0.5".into() } else { "1".into() },
            ];
            HrisRow { cells, hire, fte }
        })
        .collect()
}

fn csv_text(rows: &[Vec<String>], delimiter: u8) -> Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row)?;
    }
    Ok(writer
        .into_inner()
        .map_err(csv::IntoInnerError::into_error)?)
}

fn hris(root: &Path) -> Result {
    let dir = root.join("hris");
    let rows = hris_rows();
    let mut table: Vec<Vec<String>> = vec![HRIS_HEADER.iter().map(|s| (*s).to_owned()).collect()];
    table.extend(rows.iter().map(|r| r.cells.clone()));
    write(dir.join("hris_export.csv"), csv_text(&table, b',')?)?;

    let mut workbook = new_workbook()?;
    let sheet = workbook.add_worksheet().set_name("Employees")?;
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in HRIS_HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.cells.iter().enumerate().take(9) {
            if !value.is_empty() {
                sheet.write_string(r, c as u16, value)?;
            }
        }
        let (y, m, d) = row.hire;
        sheet.write_datetime_with_format(r, 9, ExcelDateTime::from_ymd(y, m, d)?, &date)?;
        sheet.write_number(r, 10, row.fte)?;
    }
    save(workbook, dir.join("hris_export.xlsx"))
}

fn good(root: &Path) -> Result {
    let dir = root.join("input");
    write(
        dir.join("users.csv"),
        "username,displayName,employeeId,email,accountEnabled,userGroups,permissions\n\
         jane.doe@example.com,Jane Doe,00123,jane.doe@example.com,true,Finance Analysts;Sales,Reporting\n\
         John.Smith@Example.com,John Smith,00124,john.smith@example.com,no,,\n\
         amelie@example.com,  Ame\u{301}lie Martin ,EMP-7,,1,Sales,\n",
    )?;
    // UTF-8 with BOM, `;` separated, a display name with a quoted newline, CRLF line ends.
    write(
        dir.join("semicolon_bom.csv"),
        "\u{feff}username;displayName;employeeId;accountEnabled\r\n\
         a@example.com;\"Anne\nMarie\";'-17;YES\r\n\
         b@example.com;Bob;0042;FALSE\r\n",
    )?;

    let csv_dir = dir.join("csv");
    write(
        csv_dir.join("users.csv"),
        "username,displayName,employeeId,email,accountEnabled\n\
         jane.doe@example.com,Jane Doe,00123,jane.doe@example.com,true\n\
         john.smith@example.com,John Smith,00124,john.smith@example.com,false\n",
    )?;
    write(
        csv_dir.join("user_groups.csv"),
        "displayName,description\nFinance Analysts,Finance team\nSales,\n",
    )?;
    write(
        csv_dir.join("memberships.csv"),
        "username,userGroup\njane.doe@example.com,Finance Analysts\nJOHN.SMITH@example.com,Sales\n",
    )?;
    write(
        csv_dir.join("group_permissions.csv"),
        "userGroup,permission\nFinance Analysts,Finance Reporting\n",
    )?;

    // The workbook: typed cells, wide and long relations mixed, an ignored sheet.
    let mut workbook = new_workbook()?;
    let notes = workbook.add_worksheet().set_name("Instructions")?;
    notes.write_string(0, 0, "Edit the Users sheet; other sheets are optional.")?;
    let users = workbook.add_worksheet().set_name("Users")?;
    text_rows(
        users,
        &[&[
            "username",
            "displayName",
            "employeeId",
            "email",
            "accountEnabled",
            "userGroups",
            "profiles",
        ]],
    )?;
    users.write_string(1, 0, "jane.doe@example.com")?;
    users.write_string(1, 1, "Jane Doe")?;
    users.write_string(1, 2, "00123")?;
    users.write_string(1, 3, "jane.doe@example.com")?;
    users.write_boolean(1, 4, true)?;
    users.write_string(1, 5, "Finance Analysts")?;
    users.write_string(1, 6, "Analyst")?;
    users.write_string(2, 0, "john.smith@example.com")?;
    users.write_string(2, 1, "John Smith")?;
    users.write_number(2, 2, 12345)?;
    users.write_boolean(2, 4, false)?;
    users.write_string(3, 0, "amelie@example.com")?;
    users.write_string(3, 4, "yes")?;
    let groups = workbook.add_worksheet().set_name("UserGroups")?;
    text_rows(
        groups,
        &[
            &["displayName", "description", "permissions"],
            &[
                "Finance Analysts",
                "Finance team",
                "Finance Reporting;Budget View",
            ],
            &["Sales", "", ""],
        ],
    )?;
    let memberships = workbook.add_worksheet().set_name("Memberships")?;
    text_rows(
        memberships,
        &[
            &["username", "userGroup"],
            &["john.smith@example.com", "Sales"],
            &["Jane.Doe@example.com", "Finance Analysts"],
        ],
    )?;
    save(workbook, dir.join("vsync.xlsx"))
}

fn csv_bad(root: &Path, name: &str, text: &str) -> Result {
    write(root.join("bad").join(name), text)
}

/// The container Excel writes for a workbook with a password: an OLE compound file holding an
/// `EncryptedPackage` stream instead of a ZIP package (the smallest such file).
fn encrypted_workbook() -> Vec<u8> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    const FAT: u32 = 0xFFFF_FFFD;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[24..26].copy_from_slice(&0x3Eu16.to_le_bytes()); // minor version
    header[26..28].copy_from_slice(&3u16.to_le_bytes()); // major version
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes()); // byte order
    header[30..32].copy_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    header[32..34].copy_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    header[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
    header[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory in sector 1
    header[56..60].copy_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    header[60..64].copy_from_slice(&END.to_le_bytes()); // no mini FAT
    header[68..72].copy_from_slice(&END.to_le_bytes()); // no DIFAT sectors
    for (i, chunk) in header[76..512].chunks_mut(4).enumerate() {
        chunk.copy_from_slice(&(if i == 0 { 0 } else { FREE }).to_le_bytes());
    }
    let mut fat = vec![0u8; 512];
    for (i, chunk) in fat.chunks_mut(4).enumerate() {
        let entry = match i {
            0 => FAT,
            1 => END,
            _ => FREE,
        };
        chunk.copy_from_slice(&entry.to_le_bytes());
    }
    let entry = |name: &str, kind: u8, child: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        if !name.is_empty() {
            e[..utf16.len()].copy_from_slice(&utf16);
            e[64..66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
        }
        e[66] = kind;
        e[67] = 1; // black
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&END.to_le_bytes());
        e
    };
    let mut dir = Vec::new();
    dir.extend(entry("Root Entry", 5, 1));
    dir.extend(entry("EncryptedPackage", 2, FREE));
    dir.extend(entry("", 0, FREE));
    dir.extend(entry("", 0, FREE));
    [header, fat, dir].concat()
}

fn bad(root: &Path) -> Result {
    let dir = root.join("bad");
    csv_bad(
        root,
        "missing_column.csv",
        "usrname,email\njane@example.com,jane@example.com\n",
    )?;
    csv_bad(
        root,
        "empty_key.csv",
        "username,email\njane@example.com,jane@example.com\n  ,anon@example.com\n",
    )?;
    csv_bad(
        root,
        "duplicate_username.csv",
        "username,employeeId\njane@example.com,1\nbob@example.com,2\nJANE@Example.com,3\n",
    )?;
    csv_bad(
        root,
        "duplicate_employee_id.csv",
        "username,employeeId\njane@example.com,00123\nbob@example.com,00123\n",
    )?;
    csv_bad(
        root,
        "malformed_email.csv",
        "username,email\njane@example.com,jane@example.com\nbob@example.com,jane@@x\n",
    )?;
    csv_bad(
        root,
        "invalid_boolean.csv",
        "username,accountEnabled\njane@example.com,true\nbob@example.com,maybe\n",
    )?;
    csv_bad(
        root,
        "empty_list_item.csv",
        "username,userGroups\njane@example.com,Finance;;Sales\n",
    )?;
    csv_bad(
        root,
        "mangled_employee_id.csv",
        "username,employeeId\njane@example.com,1.23E+05\n",
    )?;
    csv_bad(root, "empty_file.csv", "")?;
    csv_bad(
        root,
        "many_problems.csv",
        "username,email,accountEnabled\n\
         jane@example.com,bad-email,true\n\
         ,x@example.com,true\n\
         bob@example.com,bob@example.com,perhaps\n\
         JANE@example.com,,\n",
    )?;
    csv_bad(root, "header_only.csv", "username,email\n")?;
    let mut latin1 = b"username,displayName\njane@example.com,Jos".to_vec();
    latin1.extend([0xE9, b'\n']);
    write(dir.join("not_utf8.csv"), latin1)?;
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "username\njane@example.com\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    write(dir.join("utf16.csv"), utf16)?;
    write(
        dir.join("not_a_workbook.xlsx"),
        "username,email\njane@example.com,jane@example.com\n",
    )?;
    write(
        dir.join("workbook_named_csv.csv"),
        fs::read(root.join("input/vsync.xlsx"))?,
    )?;
    write(dir.join("unsupported.ods"), "not read")?;
    write(dir.join("password_protected.xlsx"), encrypted_workbook())?;
    let good = fs::read(root.join("input/vsync.xlsx"))?;
    write(dir.join("corrupt.xlsx"), &good[..good.len() / 2])?;

    let mut workbook = new_workbook()?;
    let users = workbook.add_worksheet().set_name("Users")?;
    text_rows(
        users,
        &[
            &["username", "email"],
            &["jane@example.com", "jane@example.com"],
        ],
    )?;
    users.write_formula(
        2,
        0,
        Formula::new("=LOWER(\"BOB@EXAMPLE.COM\")").set_result("bob@example.com"),
    )?;
    save(workbook, dir.join("formula_in_key.xlsx"))?;

    let mut workbook = new_workbook()?;
    workbook.add_worksheet().set_name("Users")?;
    save(workbook, dir.join("empty_sheet.xlsx"))?;

    let mut workbook = new_workbook()?;
    let users = workbook.add_worksheet().set_name("Users")?;
    text_rows(users, &[&["username"], &["jane@example.com"]])?;
    users.write_string(1_048_575, 16_383, "far away")?;
    save(workbook, dir.join("far_away_cell.xlsx"))?;

    let mut workbook = new_workbook()?;
    let users = workbook.add_worksheet().set_name("Users")?;
    text_rows(
        users,
        &[
            &["username", "userGroups"],
            &["jane@example.com", "Finance"],
            &["bob@example.com", ""],
        ],
    )?;
    let memberships = workbook.add_worksheet().set_name("Memberships")?;
    text_rows(
        memberships,
        &[
            &["username", "userGroup"],
            &["bob@example.com", "Sales"],
            &["jane@example.com", "Sales"],
        ],
    )?;
    save(workbook, dir.join("contradiction.xlsx"))?;

    let mut workbook = new_workbook()?;
    let users = workbook.add_worksheet().set_name("Users")?;
    text_rows(users, &[&["username"], &["jane@example.com"]])?;
    let memberships = workbook.add_worksheet().set_name("Memberships")?;
    text_rows(
        memberships,
        &[&["username", "userGroup"], &["ghost@example.com", "Sales"]],
    )?;
    save(workbook, dir.join("unknown_user.xlsx"))?;

    let mut workbook = new_workbook()?;
    let users = workbook.add_worksheet().set_name("Users")?;
    text_rows(users, &[&["username"], &["jane@example.com"]])?;
    let groups = workbook.add_worksheet().set_name("UserGroups")?;
    text_rows(groups, &[&["displayName"], &["Sales"], &["SALES"]])?;
    save(workbook, dir.join("duplicate_group.xlsx"))?;

    let mut workbook = new_workbook()?;
    workbook.add_worksheet().set_name("People")?;
    workbook.add_worksheet().set_name("Notes")?;
    save(workbook, dir.join("missing_sheet.xlsx"))?;

    let mut workbook = new_workbook()?;
    let users = workbook.add_worksheet().set_name("Users")?;
    text_rows(
        users,
        &[&["username", "employeeId"], &["jane@example.com", ""]],
    )?;
    users.write_formula(1, 1, Formula::new("=1/0").set_result("#DIV/0!"))?;
    save(workbook, dir.join("cell_error.xlsx"))?;
    Ok(())
}

/// The columns of the Workday-style export (a custom report of workers).
pub const WORKDAY_HEADER: [&str; 12] = [
    "Employee ID",
    "Legal Name - First Name",
    "Preferred Name - First Name",
    "Legal Name - Last Name",
    "Email - Primary Work",
    "Worker Status",
    "Worker Type",
    "Supervisory Organization",
    "Cost Center",
    "Location",
    "Hire Date",
    "Business Title",
];

struct WorkdayRow {
    id: u32,
    text: [String; 7],
    organization: &'static str,
    cost_center: u32,
    location: &'static str,
    hire: (u16, u8, u8),
    title: &'static str,
}

fn workday_rows() -> Vec<WorkdayRow> {
    const FIRST: [&str; 8] = [
        "Chloé", "Seán", "Zoë", "Mateo", "Ingrid", "Kenji", "Aisha", "Noah",
    ];
    const LAST: [&str; 8] = [
        "O'Brien", "Müller", "García", "D'Angelo", "Nguyen", "Kowalski", "Smith", "Dubois",
    ];
    const ORGS: [(&str, u32); 4] = [
        ("Finance", 4100),
        ("People", 4200),
        ("Sales", 5100),
        ("Engineering", 6100),
    ];
    const LOCATIONS: [&str; 4] = ["London", "Toronto", "", "Berlin"];
    const TITLES: [&str; 4] = ["Analyst", "Partner", "Engineer", "Director"];
    let mut rng = Lcg(2024);
    (1..=60u32)
        .map(|n| {
            let first = rng.pick(&FIRST);
            let last = rng.pick(&LAST);
            let preferred = if rng.next().is_multiple_of(4) {
                rng.pick(&["Jo", "Sam", "Bea"])
            } else {
                ""
            };
            let status = match rng.next() % 12 {
                0 => "Terminated",
                1 => "On Leave",
                _ => "Active",
            };
            let kind = if rng.next().is_multiple_of(7) {
                "Contingent Worker"
            } else {
                "Employee"
            };
            let (organization, cost_center) = ORGS[(rng.next() % 4) as usize];
            let local: String = format!("{first}.{last}{n}")
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    'é' | 'ë' => Some('e'),
                    'á' => Some('a'),
                    'í' => Some('i'),
                    'ü' => Some('u'),
                    c if c.is_ascii_alphanumeric() || c == '.' => Some(c),
                    _ => None,
                })
                .collect();
            WorkdayRow {
                id: n * 13,
                text: [
                    first.to_owned(),
                    preferred.to_owned(),
                    last.to_owned(),
                    format!("{local}@example.com"),
                    status.to_owned(),
                    kind.to_owned(),
                    organization.to_owned(),
                ],
                organization,
                cost_center: cost_center + (rng.next() % 3) as u32,
                location: rng.pick(&LOCATIONS),
                hire: (
                    2005 + (rng.next() % 19) as u16,
                    1 + (rng.next() % 12) as u8,
                    1 + (rng.next() % 28) as u8,
                ),
                title: rng.pick(&TITLES),
            }
        })
        .collect()
}

/// The same Workday-style export twice: as CSV (text as Workday writes it) and as XLSX the
/// way Excel holds it (employee IDs as numbers with a zero-padded format, cost centers as
/// numbers in a Text-formatted column, hire dates as real dates shown `mm/dd/yyyy`).
fn workday(root: &Path) -> Result {
    let dir = root.join("hris");
    let rows = workday_rows();
    let mut table: Vec<Vec<String>> =
        vec![WORKDAY_HEADER.iter().map(|s| (*s).to_owned()).collect()];
    for row in &rows {
        let (y, m, d) = row.hire;
        let mut cells = vec![format!("{:06}", row.id)];
        cells.extend(row.text[..6].iter().cloned());
        cells.push(row.organization.to_owned());
        cells.push(row.cost_center.to_string());
        cells.push(row.location.to_owned());
        cells.push(format!("{y:04}-{m:02}-{d:02}"));
        cells.push(row.title.to_owned());
        table.push(cells);
    }
    write(dir.join("workday_export.csv"), csv_text(&table, b',')?)?;

    let mut workbook = new_workbook()?;
    let sheet = workbook.add_worksheet().set_name("Workers")?;
    let id = Format::new().set_num_format("000000");
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("mm/dd/yyyy");
    for (c, h) in WORKDAY_HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_number_with_format(r, 0, f64::from(row.id), &id)?;
        for (c, value) in row.text[..6].iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r, c as u16 + 1, value)?;
            }
        }
        sheet.write_string(r, 7, row.organization)?;
        sheet.write_number_with_format(r, 8, f64::from(row.cost_center), &text)?;
        if !row.location.is_empty() {
            sheet.write_string(r, 9, row.location)?;
        }
        let (y, m, d) = row.hire;
        sheet.write_datetime_with_format(r, 10, ExcelDateTime::from_ymd(y, m, d)?, &date)?;
        sheet.write_string(r, 11, row.title)?;
    }
    save(workbook, dir.join("workday_export.xlsx"))
}

/// Writes every fixture under `root`.
pub fn generate(root: &Path) -> Result {
    good(root)?;
    bad(root)?;
    hris(root)?;
    workday(root)?;
    Ok(())
}

#[allow(
    dead_code,
    reason = "the tests include this file for `generate`, without `main`"
)]
fn main() -> Result {
    generate(&root())?;
    println!("fixtures written under {}", root().display());
    Ok(())
}
