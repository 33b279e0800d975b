//! Rows that would join two people, give one employee two accounts or hand an account to a new
//! hire who takes a recycled username, tried against the simulated tenant with the `vsync`
//! binary: each is refused with nothing sent; a rename chain done one step a run converges with
//! every person kept.

use std::path::Path;

use crate::commands::{column, edit_users_csv};
use crate::harness::{Run, sim, vsync};

/// A change to the exported `users.csv`: its header and rows.
type Edit = dyn FnOnce(&[String], &mut Vec<Vec<String>>);

/// Each user's username by employee ID, and how many users the tenant holds.
fn usernames_by_employee(sim: &vsync_sim::Sim) -> (Vec<(String, String)>, usize) {
    let users = sim.snapshot().users;
    let mut pairs: Vec<(String, String)> = users
        .iter()
        .filter_map(|u| Some((u.employee_id.clone()?, u.username.clone())))
        .collect();
    pairs.sort();
    (pairs, users.len())
}

async fn sync(dir: &Path, host: &str) -> Run {
    vsync(dir, Some(host), &["sync", "--input", "tenant"]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_joining_two_people_or_doubling_one_are_refused_and_a_chain_step_by_step_converges() {
    let sim = sim(30).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    for entry in std::fs::read_dir(dir.path().join("tenant")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n != "users.csv") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let users_csv = dir.path().join("tenant/users.csv");
    let original = std::fs::read(&users_csv).unwrap();
    // Two people with employee IDs, neither the signed-in account: rows a and b.
    let mut picked = (
        0,
        0,
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    edit_users_csv(&dir.path().join("tenant"), |header, rows| {
        let (user, employee) = (column(header, "username"), column(header, "employeeId"));
        let with_id: Vec<usize> = (0..rows.len())
            .filter(|&i| !rows[i][employee].is_empty() && rows[i][user] != "admin")
            .take(2)
            .collect();
        let (a, b) = (with_id[0], with_id[1]);
        picked = (
            a,
            b,
            rows[a][user].clone(),
            rows[a][employee].clone(),
            rows[b][user].clone(),
            rows[b][employee].clone(),
        );
    });
    let (a, b, a_user, a_employee, b_user, b_employee) = picked;
    let before = usernames_by_employee(&sim);

    let refused = |edit: Box<Edit>| {
        std::fs::write(&users_csv, &original).unwrap();
        edit_users_csv(&dir.path().join("tenant"), edit);
        sim.reset_counters();
        let (dir, host, sim) = (dir.path().to_owned(), host.clone(), &sim);
        async move {
            let run = sync(&dir, &host).await;
            assert_eq!(run.code, 3, "refused as invalid input:\n{}", run.all());
            assert!(run.stderr.contains("nothing was applied"), "{}", run.all());
            assert_eq!(sim.mutating_request_count(), 0, "{}", run.all());
            run
        }
    };

    // A new username with a's employee ID while a's row keeps a without one: a second account.
    let run = refused(Box::new(move |header, rows| {
        let (user, employee) = (column(header, "username"), column(header, "employeeId"));
        let mut second = rows[a].clone();
        rows[a][employee].clear();
        second[user] = "second.account@example.com".into();
        rows.push(second);
    }))
    .await;
    assert!(
        run.stderr.contains("would give one employee two accounts")
            && run.stderr.contains(&format!(
                "which the row at tenant/users.csv, row {} keeps;",
                a + 2
            )),
        "{}",
        run.all()
    );

    // The same with a's row keeping its employee ID: one ID on two rows.
    let run = refused(Box::new(move |header, rows| {
        let user = column(header, "username");
        let mut second = rows[a].clone();
        second[user] = "second.account@example.com".into();
        rows.push(second);
    }))
    .await;
    assert!(
        run.stderr
            .contains(&format!("duplicate employeeId {a_employee:?}")),
        "{}",
        run.all()
    );

    // A recycled username: a is renamed and its old username goes to a new hire.
    let run = refused(Box::new(move |header, rows| {
        let (user, employee) = (column(header, "username"), column(header, "employeeId"));
        let mut renamed = rows[a].clone();
        renamed[user] = "renamed@example.com".into();
        rows[a][employee] = "NEWHIRE1".into();
        rows.push(renamed);
    }))
    .await;
    assert!(
        run.stderr.contains("(giving it employeeId \"NEWHIRE1\")")
            && run.stderr.contains("sync the rename first"),
        "{}",
        run.all()
    );

    // A rename chain in one file: a takes b's username, b a new one.
    let chained = b_user.clone();
    let run = refused(Box::new(move |header, rows| {
        let user = column(header, "username");
        rows[a][user] = chained;
        rows[b][user] = "chain.new@example.com".into();
    }))
    .await;
    assert!(
        run.stderr.contains("joins two people")
            && run.stderr.contains(&format!(
                "{b_user:?} is renamed to \"chain.new@example.com\" at tenant/users.csv, row {}: sync that rename first",
                b + 2
            )),
        "{}",
        run.all()
    );
    assert_eq!(usernames_by_employee(&sim), before, "nobody changed");

    // One step a run: b is renamed, then a takes b's old username.
    std::fs::write(&users_csv, &original).unwrap();
    edit_users_csv(&dir.path().join("tenant"), |header, rows| {
        rows[b][column(header, "username")] = "chain.new@example.com".into();
    });
    let run = sync(dir.path(), &host).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let old_b = b_user.clone();
    edit_users_csv(&dir.path().join("tenant"), |header, rows| {
        rows[a][column(header, "username")] = old_b;
    });
    let run = sync(dir.path(), &host).await;
    assert_eq!(run.code, 0, "{}", run.all());
    let (after, count) = usernames_by_employee(&sim);
    assert_eq!(count, before.1, "nobody created or merged");
    let name_of = |id: &str| {
        after
            .iter()
            .find(|(e, _)| e == id)
            .map(|(_, u)| u.clone())
            .unwrap()
    };
    assert_eq!(name_of(&a_employee), b_user, "a holds b's old username");
    assert_eq!(name_of(&b_employee), "chain.new@example.com");
    assert_ne!(a_user, b_user);
    let run = vsync(
        dir.path(),
        Some(&host),
        &["plan", "--input", "tenant", "--detailed-exitcode"],
    )
    .await;
    assert_eq!(run.code, 0, "converged:\n{}", run.all());
}
