//! The [`Operation`] table names every operation of both specs, with the
//! spec's method, path and `operationId`, and knows which take `ProjectID`, `NonVersioned`,
//! `Prefer` and the `tenantCode` query.

use std::collections::BTreeSet;

use vsync_api::paths::Operation;

use crate::spec_conformance::specs;

/// `(method, path, operationId, header names)` of every operation in both specs.
fn spec_operations() -> Vec<(String, String, String, BTreeSet<String>)> {
    spec_parameters("header")
}

/// `(method, path, operationId, names of the parameters in `location`)` of every operation.
fn spec_parameters(location: &str) -> Vec<(String, String, String, BTreeSet<String>)> {
    let mut out = Vec::new();
    for spec in specs() {
        for (path, ops) in spec["paths"].as_mapping().unwrap() {
            for (method, op) in ops.as_mapping().unwrap() {
                let headers = op["parameters"]
                    .as_sequence()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"].as_str() == Some(location))
                            .map(|p| p["name"].as_str().unwrap().to_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                out.push((
                    method.as_str().unwrap().to_uppercase(),
                    path.as_str().unwrap().to_owned(),
                    op["operationId"].as_str().unwrap().to_owned(),
                    headers,
                ));
            }
        }
    }
    out
}

#[test]
fn the_table_and_the_specs_name_the_same_operations() {
    let in_specs: BTreeSet<(String, String, String)> = spec_operations()
        .into_iter()
        .map(|(m, p, id, _)| (m, p, id))
        .collect();
    let in_table: BTreeSet<(String, String, String)> = Operation::ALL
        .iter()
        .map(|op| {
            (
                op.method().to_owned(),
                op.path_template().to_owned(),
                op.operation_id().to_owned(),
            )
        })
        .collect();
    assert_eq!(in_specs, in_table);
}

#[test]
fn takes_project_is_the_specs_project_id_header() {
    for (method, path, id, headers) in spec_operations() {
        let op = Operation::identify(&method, &path).unwrap();
        assert_eq!(
            op.takes_project(),
            headers.contains("ProjectID"),
            "{id}: {headers:?}"
        );
        assert_eq!(
            op.is_versioned(),
            headers.contains("ProjectID") && method != "GET",
            "{id}"
        );
    }
}

#[test]
fn the_other_header_tables_are_the_specs() {
    for (method, path, id, headers) in spec_operations() {
        let op = Operation::identify(&method, &path).unwrap();
        assert_eq!(
            op.takes_non_versioned(),
            headers.contains("NonVersioned"),
            "{id}: {headers:?}"
        );
        assert_eq!(
            op.takes_prefer(),
            headers.contains("Prefer"),
            "{id}: {headers:?}"
        );
    }
    for (method, path, id, query) in spec_parameters("query") {
        let op = Operation::identify(&method, &path).unwrap();
        assert_eq!(
            op.takes_tenant_code(),
            query.contains("tenantCode"),
            "{id}: {query:?}"
        );
    }
}
