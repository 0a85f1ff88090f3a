//! `usalama-hub`, the county hub: serve, and the administrator's commands.
//!
//! Exit status: 0 success; 2 bad input or usage (nothing written); 1 anything else.

/// `println!` that gives up quietly when stdout is closed (e.g. piped into `head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use serde_json::json;
use usalama_hub::http::Limits;
use usalama_hub::hub::{InviteRequest, DEFAULT_INVITE_HOURS};
use usalama_hub::{db, Hub, HubError};
use usalama_protocol::domain::text::escape_line;
use usalama_protocol::domain::{Agency, Report, Role};
use usalama_protocol::enrollment::Enrollment;

#[derive(Debug, Parser)]
#[command(name = "usalama-hub", version, about = "The Usalama county hub")]
struct Cli {
    /// The database: a file path, sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        default_value = "usalama-hub.db",
        env = "USALAMA_HUB_DB"
    )]
    db: String,
    /// Print exactly one JSON document on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve devices: sync, enrollment, health and metrics.
    Serve(ServeArgs),
    /// A one-time enrollment code for a person's device.
    Invite(InviteArgs),
    /// Enrolled devices.
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// The county's gazetteer, which reaches every device.
    #[command(subcommand)]
    Units(UnitsCommand),
    /// Entries that reused a device's sequence number with other content.
    #[command(subcommand)]
    Forks(ForksCommand),
    /// Entries kept without effect: their author's role may not make them.
    #[command(subcommand)]
    Refused(RefusedCommand),
    /// Read a device's bundle (from a USB stick): the same checks and idempotency as a sync.
    Import { file: PathBuf },
    /// Write a bundle for one device: what its next sync would receive.
    Export {
        /// The device (at least 6 digits of its id; see `devices list`).
        #[arg(long)]
        device: String,
        #[arg(long)]
        out: PathBuf,
        /// The device's cursor (default: the last one it reported, by sync or bundle; 0 sends
        /// everything it may see).
        #[arg(long)]
        since: Option<u64>,
    },
    /// Replace a report's content with FILE's everywhere (e.g. an informant's name typed by
    /// mistake): the earlier content is dropped here now and on every device at its next sync.
    Redact {
        /// The report's whole id (16 letters and digits).
        id: String,
        /// A whole report document: the report's content from now on (`-` reads standard
        /// input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Why the content is removed; devices show it with "redacted by … at …".
        #[arg(long)]
        reason: String,
    },
    /// A consistent copy of the hub's data, while it serves.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
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
}

#[derive(Debug, Args)]
struct InviteArgs {
    #[arg(long)]
    name: String,
    /// chief, assistant_chief, elder, officer or admin.
    #[arg(long)]
    role: String,
    #[arg(long)]
    unit: String,
    /// Required for officers: nps, npr, kdf, nis, ngao or cso.
    #[arg(long)]
    agency: Option<String>,
    /// The person may read restricted sections (sources).
    #[arg(long)]
    cleared: bool,
    /// A new laptop for an existing person (see `devices list`): it receives that person's
    /// reports and their responses, and may add to them; the person's other devices are
    /// revoked when it enrolls.
    #[arg(long)]
    person: Option<String>,
    /// Hours until the code expires.
    #[arg(long, default_value_t = DEFAULT_INVITE_HOURS)]
    expires_hours: u32,
    /// The hub address for the enrollment string (default: the one `serve` recorded).
    #[arg(long)]
    address: Option<String>,
    /// The SHA-256 fingerprint (64 hex digits) of the certificate devices meet, when TLS ends
    /// at a proxy in front of the hub (default: the one `serve` recorded).
    #[arg(long, value_name = "HEX")]
    cert_sha256: Option<String>,
}

#[derive(Debug, Subcommand)]
enum DevicesCommand {
    List,
    /// Refuse this device from its next request.
    Revoke {
        device: String,
    },
    /// Let a device enrolled from a cleared or administrator's invite sync, after comparing
    /// its id with the one its laptop shows.
    Approve {
        device: String,
    },
}

#[derive(Debug, Subcommand)]
enum UnitsCommand {
    List,
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        parent: String,
    },
    Rename {
        id: String,
        #[arg(long)]
        name: String,
    },
    Retire {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum ForksCommand {
    List,
}

#[derive(Debug, Subcommand)]
enum RefusedCommand {
    List,
}

struct Failure(u8, String);

impl From<HubError> for Failure {
    fn from(e: HubError) -> Self {
        let status = if e.status().is_client_error() { 2 } else { 1 };
        Failure(status, e.to_string())
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure(2, message.into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(status, message)) => {
            for line in message.lines() {
                eprintln!("usalama-hub: {line}");
            }
            ExitCode::from(status)
        }
    }
}

fn print_json(value: &impl serde::Serialize) {
    say!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn open(spec: &str) -> Result<Hub, Failure> {
    Ok(Hub::open(db::open(spec)?)?)
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve(args) => serve(&cli.db, args),
        Command::Invite(args) => invite(&cli.db, args, cli.json),
        Command::Devices(DevicesCommand::List) => {
            let devices = open(&cli.db)?.devices()?;
            if cli.json {
                print_json(&devices);
            } else {
                say!(
                    "{:<34} {:<20} {:<16} {:<6} {:<24} STATE",
                    "DEVICE",
                    "NAME",
                    "ROLE",
                    "AGENCY",
                    "UNIT"
                );
                for d in devices {
                    say!(
                        "{:<34} {:<20} {:<16} {:<6} {:<24} {}",
                        d.id.to_string(),
                        escape_line(&d.name),
                        d.role,
                        d.agency.as_deref().unwrap_or("-"),
                        d.unit.as_deref().unwrap_or("-"),
                        if d.revoked {
                            "revoked"
                        } else if d.pending {
                            "pending"
                        } else {
                            "active"
                        }
                    );
                }
            }
            Ok(())
        }
        Command::Devices(DevicesCommand::Revoke { device }) => {
            let d = open(&cli.db)?.revoke(&device)?;
            if cli.json {
                print_json(&d);
            } else {
                say!(
                    "Revoked device {} ({}); it is refused from its next request.",
                    d.id,
                    escape_line(&d.name)
                );
            }
            Ok(())
        }
        Command::Devices(DevicesCommand::Approve { device }) => {
            let d = open(&cli.db)?.approve(&device)?;
            if cli.json {
                print_json(&d);
            } else {
                say!(
                    "Approved device {} ({}, {}); it syncs from its next request.",
                    d.id,
                    escape_line(&d.name),
                    d.role
                );
            }
            Ok(())
        }
        Command::Units(command) => units(&cli.db, command, cli.json),
        Command::Forks(ForksCommand::List) => {
            let forks = open(&cli.db)?.forks()?;
            if cli.json {
                print_json(&forks);
            } else if forks.is_empty() {
                say!("No forks.");
            } else {
                for f in forks {
                    say!(
                        "device {} entry {}: held {} offered {}",
                        f.device,
                        f.seq,
                        f.held_hash,
                        f.offered_hash
                    );
                }
            }
            Ok(())
        }
        Command::Refused(RefusedCommand::List) => {
            let refused = open(&cli.db)?.refused()?;
            if cli.json {
                print_json(&refused);
            } else if refused.is_empty() {
                say!("No refused entries.");
            } else {
                for r in refused {
                    say!(
                        "{}  device {} entry {} ({}): {}",
                        usalama_protocol::clock::format_ms(r.received_at),
                        r.device,
                        r.seq,
                        r.kind,
                        r.reason
                    );
                }
            }
            Ok(())
        }
        Command::Import { file } => {
            // A stick is another machine's bytes: the size is checked before anything is read.
            let bytes = usalama_protocol::files::read_at_most(
                &file,
                usalama_protocol::wire::MAX_BUNDLE,
                "a bundle",
            )
            .map_err(|e| usage(e.to_string()))?;
            let report = open(&cli.db)?.import_bundle(&bytes)?;
            if cli.json {
                print_json(&report);
            } else {
                say!(
                    "Imported the bundle of device {}: {} entries stored, {} already held.",
                    report.device,
                    report.stored,
                    report.already_held
                );
                for why in &report.skipped {
                    say!("Not stored: {why}");
                }
            }
            Ok(())
        }
        Command::Export { device, out, since } => {
            let (bytes, export) = open(&cli.db)?.export_bundle(&device, since)?;
            usalama_protocol::files::write_durably(&out, &bytes)
                .map_err(|e| usage(e.to_string()))?;
            if cli.json {
                print_json(&json!({
                    "file": out,
                    "device": export.device,
                    "entries": export.entries,
                    "bytes": export.bytes,
                }));
            } else {
                say!(
                    "Wrote {} entries for device {} to {} ({} bytes); import it on that device \
                     with `usalama bundle import`.",
                    export.entries,
                    export.device,
                    out.display(),
                    export.bytes
                );
            }
            Ok(())
        }
        Command::Redact { id, file, reason } => redact(&cli.db, &id, &file, &reason, cli.json),
        Command::Backup { out } => {
            open(&cli.db)?.backup(&out)?;
            if cli.json {
                print_json(&json!({"backup": out}));
            } else {
                say!("Backed up to {}", out.display());
            }
            Ok(())
        }
    }
}

fn redact(
    db: &str,
    id: &str,
    file: &std::path::Path,
    reason: &str,
    json: bool,
) -> Result<(), Failure> {
    use std::io::Read;
    let name = if file == std::path::Path::new("-") {
        "standard input".to_owned()
    } else {
        file.display().to_string()
    };
    let mut text = String::new();
    let read = if file == std::path::Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map_err(|e| usage(format!("{name}: cannot read the file: {e}")))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        usage(format!(
            "{name}: not valid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    // `usalama report show --json` output, edited, will do: the fields it adds are set aside.
    let doc = match doc {
        serde_json::Value::Object(mut map) if map.contains_key("timeline") => {
            map.retain(|k, _| {
                usalama_protocol::domain::report::REPORT_FIELDS.contains(&k.as_str())
            });
            serde_json::Value::Object(map)
        }
        other => other,
    };
    let now = time::OffsetDateTime::now_utc();
    let replacement = Report::parse(&doc, now).map_err(|p| usage(p.within(&name).to_string()))?;
    let done = open(db)?.redact(id, &replacement, reason)?;
    if json {
        print_json(&done);
    } else {
        say!(
            "Redacted report {}: the content of {} earlier {} was removed from the hub; every \
             device that holds the report removes it at its next sync.",
            done.id,
            done.removed,
            if done.removed == 1 {
                "entry"
            } else {
                "entries"
            }
        );
    }
    Ok(())
}

fn units(db: &str, command: UnitsCommand, json: bool) -> Result<(), Failure> {
    let hub = open(db)?;
    let changed = match command {
        UnitsCommand::List => {
            let units = hub.units()?;
            if json {
                print_json(&units);
            } else {
                for u in units {
                    let retired = if u.retired { " (retired)" } else { "" };
                    say!(
                        "{:<26} {:<13} {:<24} {}",
                        u.id,
                        u.kind,
                        format!("{}{retired}", escape_line(&u.name)),
                        u.parent.as_deref().unwrap_or("-")
                    );
                }
            }
            return Ok(());
        }
        UnitsCommand::Add { name, kind, parent } => hub.add_unit(&name, &kind, &parent)?,
        UnitsCommand::Rename { id, name } => hub.rename_unit(&id, &name)?,
        UnitsCommand::Retire { id } => hub.retire_unit(&id)?,
    };
    if json {
        print_json(&changed);
    } else {
        say!(
            "{} {} ({}); every device receives the change at its next sync.",
            changed.id,
            escape_line(&changed.name),
            changed.kind
        );
    }
    Ok(())
}

fn invite(db: &str, args: InviteArgs, json: bool) -> Result<(), Failure> {
    let role = Role::parse(&args.role).map_err(|e| usage(format!("--role: {e}")))?;
    let agency = args
        .agency
        .as_deref()
        .map(Agency::parse)
        .transpose()
        .map_err(|e| usage(format!("--agency: {e}")))?;
    let hub = open(db)?;
    let (recorded, recorded_cert) = hub.address()?;
    let address = args.address.or(recorded);
    let cert = args.cert_sha256.or(recorded_cert);
    let code = hub.invite(&InviteRequest {
        name: args.name,
        role,
        unit: args.unit,
        agency,
        cleared: args.cleared,
        person: args.person,
        hours: args.expires_hours,
    })?;
    let enrollment = address
        .as_deref()
        .map(|url| Enrollment::new(url, &code.code, cert.as_deref()))
        .transpose()
        .map_err(|e| usage(e.to_string()))?;
    if json {
        print_json(&json!({
            "code": code.code,
            "enrollment": enrollment.map(|e| e.to_string()),
            "person": code.person,
            "expires_at": usalama_protocol::clock::format_ms(code.expires_at),
        }));
    } else {
        say!("{}", code.code);
    }
    Ok(())
}

fn serve(db: &str, args: ServeArgs) -> Result<(), Failure> {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("USALAMA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
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
    let fingerprint = match &tls {
        Some((cert, _)) => Some(usalama_hub::tls::fingerprint(cert)?),
        None => None,
    };
    let limits = Limits {
        concurrent: args.max_concurrent.max(1),
        per_address: args.per_address.max(1),
        per_minute: args.rate_per_minute.max(1),
        burst: args.rate_burst.max(1),
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        body_grace: std::time::Duration::from_secs(args.body_timeout.max(1)),
        ..Limits::default()
    };
    let mut hub = open(db)?;
    hub.set_daily_budget(args.daily_budget.saturating_mul(1 << 20));
    let hub = Arc::new(hub);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(1, format!("could not start: {e}")))?;
    runtime.block_on(async move {
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
    })
}

/// The folder of an SQLite database file; the current folder for PostgreSQL.
fn database_folder(db: &str) -> PathBuf {
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
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (!host.is_empty()).then(|| host.to_owned())
}

async fn shutdown_signal() {
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
