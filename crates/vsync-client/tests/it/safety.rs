//! Transport safety: no redirect is followed (the `apikey` header must not
//! reach another host), and plain http only to loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vsync_client::{Auth, Client, ErrorKind, SecretString};

use crate::harness::within;

/// Answers every connection with `response`, counting connections.
async fn fake_server(response: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), hits)
}

#[tokio::test]
async fn redirects_are_not_followed() {
    within(30, async {
        let (elsewhere, elsewhere_hits) =
            fake_server("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".into()).await;
        let (redirecting, _) = fake_server(format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: {elsewhere}/v1/admin/users\r\ncontent-length: 0\r\n\r\n"
        ))
        .await;
        let client = Client::builder()
            .base_url(redirecting)
            .api_key(SecretString::from("key-must-stay-home"))
            .auth(Auth::Bearer(SecretString::from("token")))
            .build()
            .unwrap();
        let err = client.users().get_all_users().send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Http, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
        assert_eq!(elsewhere_hits.load(Ordering::SeqCst), 0);
    })
    .await;
}

#[tokio::test]
async fn plain_http_needs_loopback_or_an_explicit_opt_in() {
    let builder = || {
        Client::builder()
            .api_key(SecretString::from("k"))
            .auth(Auth::Bearer(SecretString::from("t")))
    };
    let err = builder()
        .base_url("http://acme.api.visier.io")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        builder()
            .base_url("http://acme.api.visier.io")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
    assert!(builder().base_url("acme.api.visier.io").build().is_ok());
}
