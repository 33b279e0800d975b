//! Validates JSON against `components/schemas` of the specs, strictly: every
//! object schema with `properties` also gets `additionalProperties: false`,
//! so a misspelt field fails instead of passing unnoticed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// Both specs of the repository (users, then projects), converted to JSON
/// and merged: every path, every schema.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut merged = serde_json::json!({"paths": {}, "components": {"schemas": {}}});
        for name in ["users-api.openapi.yaml", "projects-api.openapi.yaml"] {
            let path = format!("{}/../vsync-api/spec/{name}", env!("CARGO_MANIFEST_DIR"));
            let text =
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
            let spec: Value =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"));
            for section in ["paths", "components/schemas"] {
                let pointer = format!("/{section}");
                let into = merged
                    .pointer_mut(&pointer)
                    .unwrap()
                    .as_object_mut()
                    .unwrap();
                for (k, v) in spec.pointer(&pointer).unwrap().as_object().unwrap() {
                    into.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        merged
    })
}

fn close_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for v in map.values_mut() {
                close_objects(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

fn validator(name: &str) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(name) {
        return v.clone();
    }
    let mut schemas = spec()["components"]["schemas"].clone();
    assert!(schemas.get(name).is_some(), "no schema {name} in the spec");
    close_objects(&mut schemas);
    let root = serde_json::json!({
        "components": { "schemas": schemas },
        "$ref": format!("#/components/schemas/{name}"),
    });
    let v = Arc::new(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(false)
            .build(&root)
            .unwrap_or_else(|e| panic!("compile schema {name}: {e}")),
    );
    cache.lock().unwrap().insert(name.to_owned(), v.clone());
    v
}

/// Panics with every violation if `instance` does not match schema `name`.
pub fn assert_valid(name: &str, instance: &Value) {
    let v = validator(name);
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "response does not match schema {name}:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(instance).unwrap()
    );
}

/// The schema the spec names for `method path` and `status` (the
/// operation's `default` for errors), or `None` for non-JSON answers.
pub fn response_schema(method: &str, template: &str, status: u16) -> Option<String> {
    let op = &spec()["paths"][template][method.to_lowercase()];
    assert!(
        op.is_object(),
        "no operation {method} {template} in the spec"
    );
    let responses = &op["responses"];
    let r = responses
        .get(status.to_string())
        .unwrap_or(&responses["default"]);
    let schema = r["content"]["application/json"]["schema"]["$ref"].as_str()?;
    Some(
        schema
            .trim_start_matches("#/components/schemas/")
            .to_owned(),
    )
}

#[test]
fn strict_schemas_reject_unknown_fields() {
    assert_valid(
        "Status",
        &serde_json::json!({"code": "x", "rci": "r", "userError": true}),
    );
    let bad = serde_json::json!({"code": "x", "rci": "r", "usrError": true});
    assert!(validator("Status").iter_errors(&bad).next().is_some());
}
