//! The five XLSX reports are real workbooks with the documented columns.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::Method;
use serde_json::json;
use vsync_sim::report_columns;

use crate::harness::{Resp, TestSim, within};

fn sheet(resp: &Resp, name: &str) -> Vec<Vec<String>> {
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    assert_eq!(
        resp.header("content-type"),
        Some("application/vnd.ms-excel")
    );
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(resp.body.to_vec())).expect("a real XLSX file");
    let range = wb.worksheet_range(name).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn permissions_list_report() {
    within(async {
        let t = TestSim::default().await;
        let rows = sheet(
            &t.get("/v1/admin/users/reports/permissions-list").await,
            "Permissions",
        );
        assert_eq!(rows[0], report_columns::PERMISSIONS_LIST);
        assert_eq!(rows.len(), 16);
        assert!(rows.iter().any(|r| r[0] == "Analyst"));
    })
    .await;
}

#[tokio::test]
async fn permission_assignments_report_lists_users_without_permissions() {
    within(async {
        let t = TestSim::default().await;
        let resp = t
            .get("/v1/admin/users/reports/permission-assignments")
            .await;
        let rows = sheet(&resp, "User Permissions");
        assert_eq!(rows[0], report_columns::PERMISSION_ASSIGNMENTS);
        assert!(
            rows.iter()
                .any(|r| r[1] == "admin" && r[3] == "Super Admin" && r[5] == "Direct")
        );
        assert!(
            rows.iter().any(|r| r[5] == "(no permissions)")
                || rows.iter().skip(1).all(|r| !r[3].is_empty())
        );
        let usage = sheet(&resp, "Permission Usage");
        assert_eq!(usage[0], report_columns::PERMISSION_USAGE);
        assert_eq!(usage.len(), 16);
    })
    .await;
}

#[tokio::test]
async fn profile_assignments_report() {
    within(async {
        let t = TestSim::default().await;
        let rows = sheet(
            &t.get("/v1/admin/users/reports/profile-assignments").await,
            "Profile Assignments",
        );
        assert_eq!(rows[0], report_columns::PROFILE_ASSIGNMENTS);
        assert!(
            rows.iter()
                .any(|r| r[1] == "admin" && r[3] == "Administrator")
        );
        assert_eq!(rows.len(), 102, "one profile per seeded user and admin");
    })
    .await;
}

#[tokio::test]
async fn data_security_report_of_a_user() {
    within(async {
        let t = TestSim::default().await;
        let admin = t.user_id("admin");
        let rows = sheet(
            &t.get(&format!("/v1/admin/users/{admin}/reports/data-security"))
                .await,
            "Data Security",
        );
        assert_eq!(rows[0], report_columns::DATA_SECURITY);
        assert!(
            rows.iter()
                .any(|r| r[1] == "Super Admin" && r[3] == "Direct")
        );
        t.get("/v1/admin/users/nope/reports/data-security")
            .await
            .expect_error(404);
    })
    .await;
}

#[tokio::test]
async fn application_logs_report_has_logins_and_changes() {
    within(async {
        let t = TestSim::default().await;
        t.call(
            Method::POST,
            "/v2/admin/users",
            json!({"users": [{"username": "logged@jupiter.example"}]}),
        )
        .await
        .expect(200);
        let rows = sheet(
            &t.get("/v1/admin/users/reports/application-logs").await,
            "Application Logs",
        );
        assert_eq!(rows[0], report_columns::APPLICATION_LOGS);
        assert!(rows.iter().any(|r| r[3] == "Login"));
        assert!(
            rows.iter()
                .any(|r| r[3] == "UserCreated" && r[4].contains("logged@jupiter.example"))
        );
        let none = sheet(
            &t.get("/v1/admin/users/reports/application-logs?startTime=0&endTime=1")
                .await,
            "Application Logs",
        );
        assert_eq!(none.len(), 1);
        t.get("/v1/admin/users/reports/application-logs?startTime=yesterday")
            .await
            .expect_error(400);
    })
    .await;
}
