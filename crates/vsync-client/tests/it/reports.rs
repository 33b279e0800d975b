//! The five XLSX reports are streamed to files.

use vsync_api::query::ApplicationLogsQuery;
use vsync_client::UserId;

use crate::harness::{client, sim, start, within};

#[tokio::test]
async fn every_report_is_streamed_to_a_file() {
    within(30, async {
        let sim = start(sim().seed_users(20)).await;
        let client = client(&sim).build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let reports = client.reports();
        let user = UserId::new(
            client
                .users()
                .get_all_users()
                .page_size(2)
                .send()
                .await
                .unwrap()
                .items[0]
                .user_id
                .clone()
                .unwrap(),
        );
        let files = vec![
            reports
                .get_all_permissions_xlsx(&dir.path().join("permissions.xlsx"))
                .await
                .unwrap(),
            reports
                .get_application_logs_xlsx(
                    ApplicationLogsQuery::default(),
                    &dir.path().join("logs.xlsx"),
                )
                .await
                .unwrap(),
            reports
                .get_data_security_report_xlsx(&user, &dir.path().join("security.xlsx"))
                .await
                .unwrap(),
            reports
                .get_profile_assignments_xlsx(&dir.path().join("profiles.xlsx"))
                .await
                .unwrap(),
            reports
                .get_user_permissions_xlsx(&dir.path().join("user-permissions.xlsx"))
                .await
                .unwrap(),
        ];
        for file in &files {
            let bytes = std::fs::read(&file.path).unwrap();
            assert_eq!(bytes.len() as u64, file.bytes);
            assert!(
                bytes.starts_with(b"PK"),
                "{} is not an XLSX (zip) file",
                file.path.display()
            );
        }
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        left.sort();
        let mut expected: Vec<_> = files.iter().map(|f| f.path.clone()).collect();
        expected.sort();
        assert_eq!(
            left, expected,
            "no temporary file is left beside the reports"
        );
    })
    .await;
}

#[tokio::test]
async fn a_failed_report_leaves_no_file() {
    within(30, async {
        let sim = start(sim()).await;
        let client = client(&sim).build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let to = dir.path().join("nobody.xlsx");
        let err = client
            .reports()
            .get_data_security_report_xlsx(&UserId::new("no-such-user"), &to)
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
        assert!(!to.exists());
    })
    .await;
}
