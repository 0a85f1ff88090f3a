//! `serve`: serving devices as in production: TLS (a given certificate or the hub's own),
//! the limits, the health listener, a graceful stop on a signal, with `--sms-inbox` the
//! intake of SMS alerts from gammu-smsd's inbox folder, and with `--sms-webhook-secret-file`
//! the Android gateway's webhook.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use usalama_hub::gammu;
use usalama_hub::http::Limits;
use usalama_hub::tls::SelfSigned;
use usalama_hub::webhook::Secret;
use usalama_hub::Hub;

use super::{open, usage, Failure};

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:7878")]
    listen: SocketAddr,
    /// Address and port of /health and /metrics, for the administrator and monitoring only.
    #[arg(long, default_value = "127.0.0.1:7879")]
    admin_listen: SocketAddr,
    /// TLS certificate chain (PEM). Without it, a non-loopback --listen serves a certificate
    /// of the hub's own (see --tls-dir).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Where the hub's own certificate and key are made and kept (default: the database's
    /// folder; the current folder for PostgreSQL).
    #[arg(long)]
    tls_dir: Option<PathBuf>,
    /// Serve the hub's own certificate on a loopback address too.
    #[arg(long, conflicts_with_all = ["tls_cert", "insecure_http"])]
    tls_self_signed: bool,
    /// Serve plain HTTP on a non-loopback address (only behind a trusted TLS proxy).
    #[arg(long)]
    insecure_http: bool,
    /// The address devices use to reach this hub, for enrollment strings (default: from
    /// --listen).
    #[arg(long)]
    public_url: Option<String>,
    /// MiB a device may send per day beyond its own new reports; 0 for no budget.
    #[arg(long, default_value_t = usalama_hub::hub::DEFAULT_DAILY_BUDGET >> 20)]
    daily_budget: u64,
    /// Sync and enrollment requests worked on at once.
    #[arg(long, default_value_t = Limits::default().concurrent)]
    max_concurrent: usize,
    /// Requests one address may have in flight at once.
    #[arg(long, default_value_t = Limits::default().per_address)]
    per_address: usize,
    /// Requests one address may make per minute (after a burst of --rate-burst).
    #[arg(long, default_value_t = Limits::default().per_minute)]
    rate_per_minute: u32,
    #[arg(long, default_value_t = Limits::default().burst)]
    rate_burst: u32,
    /// Seconds a client has to send a request's headers.
    #[arg(long, default_value_t = Limits::default().header_timeout.as_secs())]
    header_timeout: u64,
    /// Seconds a request body may take, plus one per KiB it holds.
    #[arg(long, default_value_t = Limits::default().body_grace.as_secs())]
    body_timeout: u64,
    /// gammu-smsd's inbox folder (its FILES backend's InboxPath): flash alerts received by SMS
    /// are taken from it, stored, and their files removed (see docs/sms.md).
    #[arg(long, env = "USALAMA_HUB_SMS_INBOX", value_name = "DIR")]
    sms_inbox: Option<PathBuf>,
    /// gammu-smsd's outbox folder (its OutboxPath), where the hub's answers by SMS go.
    #[arg(
        long,
        env = "USALAMA_HUB_SMS_OUTBOX",
        value_name = "DIR",
        requires = "sms_inbox"
    )]
    sms_outbox: Option<PathBuf>,
    /// gammu-smsd's sent folder (its SentSMSPath): the hub removes the texts it wrote once
    /// gammu has sent them, so no list of the numbers it texted stays in clear.
    #[arg(
        long,
        env = "USALAMA_HUB_SMS_SENT",
        value_name = "DIR",
        requires = "sms_outbox"
    )]
    sms_sent: Option<PathBuf>,
    /// A file holding the secret the Android SMS-gateway phone signs its webhook requests
    /// with (at least 32 characters): POST /sms/inbound is served only with it (see
    /// docs/sms.md).
    #[arg(long, env = "USALAMA_HUB_SMS_WEBHOOK_SECRET_FILE", value_name = "FILE")]
    sms_webhook_secret_file: Option<PathBuf>,
}

pub(crate) fn run(db: &str, args: ServeArgs) -> Result<(), Failure> {
    log_as_json();
    let (tls, made) = certificate(db, &args)?;
    let fingerprint = match &tls {
        Some((cert, _)) => Some(usalama_hub::tls::fingerprint(cert)?),
        None => None,
    };
    let limits = limits(&args);
    let sms = sms_folders(&args)?;
    let webhook = match &args.sms_webhook_secret_file {
        Some(file) => Some(Secret::read(file).map_err(|e| usage(e.to_string()))?),
        None => None,
    };
    let mut hub = open(db)?;
    hub.set_daily_budget(args.daily_budget.saturating_mul(1 << 20));
    if webhook.is_some() {
        say!("taking SMS from the gateway's webhook at /sms/inbound");
    }
    hub.set_webhook_secret(webhook);
    let hub = Arc::new(hub);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(1, format!("could not start: {e}")))?;
    runtime.block_on(async move {
        if let Some(folders) = sms {
            say!("taking SMS from {}", folders.inbox.display());
            tokio::spawn(gammu::watch(hub.clone(), folders));
        }
        listen(hub, args, tls, fingerprint, made, limits).await
    })
}

/// The gateway's folders, if given, checked before anything starts.
fn sms_folders(args: &ServeArgs) -> Result<Option<gammu::Folders>, Failure> {
    let Some(inbox) = args.sms_inbox.clone() else {
        return Ok(None);
    };
    let folders = gammu::Folders {
        inbox,
        outbox: args.sms_outbox.clone(),
        sent: args.sms_sent.clone(),
    };
    folders.check().map_err(|e| usage(e.to_string()))?;
    Ok(Some(folders))
}

/// Logs as JSON lines on stderr, at the level `USALAMA_LOG` says (info by default).
fn log_as_json() {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("USALAMA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
}

/// The certificate chain and key files to serve.
type CertificateFiles = (PathBuf, PathBuf);

/// The certificate and key to serve, if any: those given, or the hub's own (made the first
/// time) when asked for or when a non-loopback address would otherwise serve plain HTTP.
fn certificate(
    db: &str,
    args: &ServeArgs,
) -> Result<(Option<CertificateFiles>, Option<SelfSigned>), Failure> {
    let mut tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
        _ => None,
    };
    let own_certificate = args.tls_self_signed
        || (tls.is_none() && !args.listen.ip().is_loopback() && !args.insecure_http);
    let mut made = None;
    if own_certificate {
        let dir = match &args.tls_dir {
            Some(dir) => dir.clone(),
            None => database_folder(db),
        };
        let mut names = vec![args.listen.ip().to_string()];
        if let Some(host) = args.public_url.as_deref().and_then(url_host) {
            names.push(host);
        }
        names.retain(|n| n != "0.0.0.0" && n != "::");
        let own = usalama_hub::tls::self_signed(&dir, &names)?;
        tls = Some((own.cert.clone(), own.key.clone()));
        made = Some(own);
    }
    Ok((tls, made))
}

/// The limits `serve`'s options set; none may be 0.
fn limits(args: &ServeArgs) -> Limits {
    Limits {
        concurrent: args.max_concurrent.max(1),
        per_address: args.per_address.max(1),
        per_minute: args.rate_per_minute.max(1),
        burst: args.rate_burst.max(1),
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        body_grace: std::time::Duration::from_secs(args.body_timeout.max(1)),
        ..Limits::default()
    }
}

/// Binds both listeners, records the address devices use, says where the hub listens, and
/// serves until a signal stops it.
async fn listen(
    hub: Arc<Hub>,
    args: ServeArgs,
    tls: Option<CertificateFiles>,
    fingerprint: Option<String>,
    made: Option<SelfSigned>,
    limits: Limits,
) -> Result<(), Failure> {
    let listener = std::net::TcpListener::bind(args.listen)
        .map_err(|e| usage(format!("--listen {}: {e}", args.listen)))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Failure(1, e.to_string()))?;
    let admin = std::net::TcpListener::bind(args.admin_listen).map_err(|e| {
        usage(format!(
            "--admin-listen {}: {e} (another hub on this machine? give each its own \
             --admin-listen)",
            args.admin_listen
        ))
    })?;
    let admin_bound = admin.local_addr().map_err(|e| Failure(1, e.to_string()))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("{scheme}://{bound}"));
    hub.set_address(&url, fingerprint.as_deref())?;
    say!(
        "usalama-hub listening on {scheme}://{bound} ({} database)",
        hub.db().backend()
    );
    if let Some(f) = &fingerprint {
        say!("certificate sha256 {f}");
    }
    if let Some(own) = &made {
        say!(
            "{} the hub's own certificate {} (key {}); devices pin the fingerprint above",
            if own.created { "made" } else { "serving" },
            own.cert.display(),
            own.key.display()
        );
    }
    say!("health and metrics on http://{admin_bound}");
    let tls = match tls {
        Some((cert, key)) => Some(
            usalama_hub::serve::tls_config(&cert, &key)
                .await
                .map_err(|e| usage(format!("--tls-cert/--tls-key: {e}")))?,
        ),
        None => None,
    };
    let handle = usalama_hub::serve::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        shutdown.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    usalama_hub::serve::serve(hub, listener, Some(admin), tls, limits, handle)
        .await
        .map_err(|e| Failure(1, format!("the server stopped: {e}")))
}

/// The folder of an SQLite database file; the current folder for PostgreSQL.
pub(crate) fn database_folder(db: &str) -> PathBuf {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        return PathBuf::from(".");
    }
    let path = std::path::Path::new(db.strip_prefix("sqlite://").unwrap_or(db));
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// The host of `https://HOST:PORT`.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (!host.is_empty()).then(|| host.to_owned())
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
