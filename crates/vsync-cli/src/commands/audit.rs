//! `vsync audit`: downloads Visier's five XLSX audit reports.

use anyhow::Context as _;
use futures::StreamExt;
use time::{Date, Duration, OffsetDateTime, macros::format_description};
use vsync_api::query::ApplicationLogsQuery;
use vsync_model::{UserId, UserKey};

use crate::cli::AuditArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::{Finished, RunSummary};

/// Downloads the reports into `--out`.
pub async fn run(ctx: &Context, args: &AuditArgs) -> anyhow::Result<Finished> {
    let target = ctx.target(&args.target)?;
    let client = target.signed_in_client(true).await?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("failed to create {}", args.out.display()))?;

    let today = OffsetDateTime::now_utc().date();
    let since = match &args.since {
        Some(text) => parse_date(text)?,
        None => today - Duration::days(30),
    };
    let until = match &args.until {
        Some(text) => parse_date(text)?,
        None => today + Duration::days(1),
    };
    if since >= until {
        anyhow::bail!("--since {since} is not before --until {until}");
    }

    let reports = client.reports();
    let out = &args.out;
    let mut written = Vec::new();
    written.push(
        reports
            .get_all_permissions_xlsx(&out.join("permissions-list.xlsx"))
            .await?,
    );
    written.push(
        reports
            .get_user_permissions_xlsx(&out.join("permission-assignments.xlsx"))
            .await?,
    );
    written.push(
        reports
            .get_profile_assignments_xlsx(&out.join("profile-assignments.xlsx"))
            .await?,
    );
    let query = ApplicationLogsQuery {
        start_time: Some(millis(since).to_string()),
        end_time: Some(millis(until).to_string()),
        tenant_code: None,
    };
    written.push(
        reports
            .get_application_logs_xlsx(query, &out.join("application-logs.xlsx"))
            .await?,
    );

    let username = args.user.clone().or_else(|| target.signed_in_as.clone());
    match username {
        Some(username) => {
            let id = find_user(&client, &username).await?;
            let file = out.join(format!("data-security-{}.xlsx", sanitize(&username)));
            written.push(reports.get_data_security_report_xlsx(&id, &file).await?);
        }
        None => ctx.say("no --user and no signed-in username: skipping the data security report"),
    }
    for file in &written {
        ctx.say(&format!(
            "wrote {} ({} bytes)",
            file.path.display(),
            file.bytes
        ));
    }
    let summary = RunSummary {
        calls: Some(client.metrics().total_calls()),
        files: written.iter().map(|f| f.path.clone()).collect(),
        ..RunSummary::new("audit")
    };
    Ok(Finished::new(Exit::Ok, summary))
}

async fn find_user(client: &vsync_client::Client, username: &str) -> anyhow::Result<UserId> {
    let key = UserKey::new(username);
    let mut users = client.users().list_all_users();
    while let Some(user) = users.next().await {
        let user = user?;
        if user.username.as_deref().map(UserKey::new).as_ref() == Some(&key)
            && let Some(id) = user.user_id
        {
            return Ok(UserId::new(id));
        }
    }
    anyhow::bail!("no user {username:?} in the tenant")
}

fn parse_date(text: &str) -> anyhow::Result<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .with_context(|| format!("bad date {text:?}: expected YYYY-MM-DD"))
}

fn millis(date: Date) -> i128 {
    date.midnight().assume_utc().unix_timestamp_nanos() / 1_000_000
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
