//! The shared harness: a fresh simulator per test, a signed-in client, and
//! answers checked against the spec.

use std::future::Future;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde_json::Value;
use vsync_sim::{Operation, Sim, SimBuilder};

use crate::schema;

/// Fails a test that hangs instead of letting it block the run.
pub async fn within<F: Future<Output = ()>>(f: F) {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("test timed out after 60 s");
}

/// A running simulator with a client signed in through the ASID login.
pub struct TestSim {
    pub sim: Sim,
    pub http: reqwest::Client,
    pub token: String,
}

/// An answer, with its body kept for assertions.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    pub method: String,
    pub path: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The JSON body, validated against the schema the spec names for this
    /// operation and status.
    pub fn json(&self) -> Value {
        let ct = self.header("content-type").unwrap_or("");
        assert!(
            ct.starts_with("application/json"),
            "{} {}: content type {ct:?}, body {:?}",
            self.method,
            self.path,
            String::from_utf8_lossy(&self.body)
        );
        let value: Value = serde_json::from_slice(&self.body).expect("JSON body");
        let op = Operation::identify(&self.method, &self.path);
        let name = match op {
            Some(op) => schema::response_schema(op.method(), op.path_template(), self.status),
            None => Some("Status".to_owned()),
        };
        let name = name.unwrap_or_else(|| {
            panic!(
                "no JSON schema for {} {} {}",
                self.method, self.path, self.status
            )
        });
        schema::assert_valid(&name, &value);
        value
    }

    /// Asserts the status, then returns the validated JSON.
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "{} {}: {}",
            self.method,
            self.path,
            String::from_utf8_lossy(&self.body)
        );
        self.json()
    }

    /// Asserts an error status with a `Status` body carrying an rci.
    pub fn expect_error(&self, status: u16) -> Value {
        let v = self.expect(status);
        schema::assert_valid("Status", &v);
        assert!(
            v["rci"].as_str().is_some_and(|r| !r.is_empty()),
            "no rci: {v}"
        );
        assert!(
            v["localizedMessage"].is_string()
                && v["code"].is_string()
                && v["userError"].is_boolean(),
            "{v}"
        );
        v
    }
}

pub fn client() -> reqwest::Client {
    // reqwest is built without a default TLS provider; plain HTTP needs
    // none, but building a client requires one to be installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .pool_max_idle_per_host(4)
        .build()
        .unwrap()
}

impl TestSim {
    pub async fn start(builder: SimBuilder) -> TestSim {
        let sim = builder.start().await.expect("sim starts");
        let http = client();
        let token = http
            .post(format!("{}/v1/admin/visierSecureToken", sim.uri()))
            .form(&[("username", "admin"), ("password", "admin")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        TestSim { sim, http, token }
    }

    /// Signed in with a token issued directly, for faults that would also
    /// hit a login call.
    pub async fn start_without_login(builder: SimBuilder) -> TestSim {
        let sim = builder.start().await.expect("sim starts");
        let token = sim.issue_token();
        TestSim {
            sim,
            http: client(),
            token,
        }
    }

    /// The defaults with rate limits off, so tests make as many calls as
    /// they need.
    pub async fn default() -> TestSim {
        Self::start(Sim::builder().no_rate_limit()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.uri())
    }

    pub fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("apikey", "dev-apikey")
            .header("Cookie", format!("VisierASIDToken={}", self.token))
            .header("Accept", "application/json")
    }

    pub async fn send(&self, rb: reqwest::RequestBuilder) -> Resp {
        let req = rb.build().unwrap();
        let method = req.method().as_str().to_owned();
        let path = req.url().path().to_owned();
        let resp = self.http.execute(req).await.expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.expect("body read");
        Resp {
            status,
            headers,
            body,
            method,
            path,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.req(Method::GET, path)).await
    }

    pub async fn call(&self, method: Method, path: &str, body: Value) -> Resp {
        self.send(
            self.req(method, path)
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        )
        .await
    }

    /// Creates a project over HTTP in `tenant` (the administrating tenant
    /// when `None`); returns its ID.
    pub async fn create_project(&self, tenant: Option<&str>, name: &str) -> String {
        let mut rb = self
            .req(Method::POST, "/v1/admin/projects")
            .header(CONTENT_TYPE, "application/json")
            .body(serde_json::json!({"name": name}).to_string());
        if let Some(code) = tenant {
            rb = rb.header("TargetTenantID", code);
        }
        let v = self.send(rb).await.expect(200);
        v["id"].as_str().expect("a project id").to_owned()
    }

    /// A call with a JSON body made inside project `project`.
    pub async fn call_in(&self, project: &str, method: Method, path: &str, body: Value) -> Resp {
        self.send(
            self.req(method, path)
                .header("ProjectID", project)
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        )
        .await
    }

    /// A `GET` made inside project `project`.
    pub async fn get_in(&self, project: &str, path: &str) -> Resp {
        self.send(self.req(Method::GET, path).header("ProjectID", project))
            .await
    }

    /// A user ID of the administrating tenant by username.
    pub fn user_id(&self, username: &str) -> String {
        self.sim
            .snapshot()
            .user_by_username(username)
            .unwrap_or_else(|| panic!("no user {username}"))
            .user_id
            .clone()
    }

    /// Some generated user's ID and username (not admin).
    pub fn some_user(&self, n: usize) -> (String, String) {
        let s = self.sim.snapshot();
        let u = s
            .users
            .iter()
            .filter(|u| u.username != "admin")
            .nth(n)
            .expect("enough users");
        (u.user_id.clone(), u.username.clone())
    }

    pub fn group_id(&self, name: &str) -> String {
        self.sim
            .snapshot()
            .group_by_name(name)
            .expect("group")
            .user_group_id
            .clone()
    }

    pub fn permission_id(&self, name: &str) -> String {
        self.sim
            .snapshot()
            .permission_by_name(name)
            .expect("permission")
            .permission_id
            .clone()
    }

    pub fn profile_id(&self, name: &str) -> String {
        self.sim
            .snapshot()
            .profile_by_name(name)
            .expect("profile")
            .profile_id
            .clone()
    }
}
