//! Serving the hub as in production: the devices' listener (TLS when a certificate is given) with
//! its limits and header timeout, and the health and metrics listener. `usalama-hub serve` and
//! the tests' hubs both start here, so that the tests run the path the county runs.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

pub use axum_server::tls_rustls::RustlsConfig;
pub use axum_server::Handle;

use crate::http::{admin_router, router_with, Limits};
use crate::Hub;

/// Serves `hub` to devices on `public` (over TLS with `tls`) and, when given, health and metrics
/// on `admin`, until `handle` shuts it down or the server fails.
pub async fn serve(
    hub: Arc<Hub>,
    public: TcpListener,
    admin: Option<TcpListener>,
    tls: Option<RustlsConfig>,
    limits: Limits,
    handle: Handle,
) -> std::io::Result<()> {
    public.set_nonblocking(true)?;
    let admin_handle = Handle::new();
    if let Some(admin) = admin {
        admin.set_nonblocking(true)?;
        let app = admin_router(hub.clone());
        let admin_handle = admin_handle.clone();
        tokio::spawn(async move {
            if let Err(e) = axum_server::from_tcp(admin)
                .handle(admin_handle)
                .serve(app.into_make_service())
                .await
            {
                tracing::error!(error = %e, "the health and metrics listener stopped");
            }
        });
    }
    let header_timeout = limits.header_timeout;
    let app = router_with(hub, limits).into_make_service_with_connect_info::<SocketAddr>();
    let result = match tls {
        Some(config) => {
            let mut server = axum_server::from_tcp_rustls(public, config).handle(handle);
            time_limits(server.http_builder(), header_timeout);
            server.serve(app).await
        }
        None => {
            let mut server = axum_server::from_tcp(public).handle(handle);
            time_limits(server.http_builder(), header_timeout);
            server.serve(app).await
        }
    };
    admin_handle.graceful_shutdown(Some(Duration::from_secs(1)));
    result
}

/// The TLS configuration of a PEM certificate and key, with the ring provider.
pub async fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> std::io::Result<RustlsConfig> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    RustlsConfig::from_pem_file(cert, key).await
}

/// A client that opens a connection and sends its headers slowly holds a connection and a task:
/// it has `header_timeout` to send them, then the connection is closed.
fn time_limits(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    header_timeout: Duration,
) {
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout);
    builder.http2().timer(hyper_util::rt::TokioTimer::new());
}
