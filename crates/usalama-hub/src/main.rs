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
use sha2::{Digest, Sha256};
use usalama_core::domain::{Agency, Report, Role};
use usalama_core::sync::Enrollment;
use usalama_hub::hub::{InviteRequest, DEFAULT_INVITE_HOURS};
use usalama_hub::{db, Hub, HubError};

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
    /// TLS certificate chain (PEM).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address (only behind a trusted TLS proxy).
    #[arg(long)]
    insecure_http: bool,
    /// The address devices use to reach this hub, for enrollment strings (default: from
    /// --listen).
    #[arg(long)]
    public_url: Option<String>,
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
}

#[derive(Debug, Subcommand)]
enum DevicesCommand {
    List,
    /// Refuse this device from its next request.
    Revoke {
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
                        d.name,
                        d.role,
                        d.agency.as_deref().unwrap_or("-"),
                        d.unit.as_deref().unwrap_or("-"),
                        if d.revoked { "revoked" } else { "active" }
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
                    d.name
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
                        usalama_core::store::format_ms(r.received_at),
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
            let bytes = usalama_core::files::read(&file).map_err(|e| usage(e.to_string()))?;
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
            usalama_core::files::write_durably(&out, &bytes).map_err(|e| usage(e.to_string()))?;
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
            map.retain(|k, _| usalama_core::domain::report::REPORT_FIELDS.contains(&k.as_str()));
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
                        format!("{}{retired}", u.name),
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
            changed.name,
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
    let (recorded, cert) = hub.address()?;
    let address = args.address.or(recorded);
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
            "expires_at": usalama_core::store::format_ms(code.expires_at),
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
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
        _ => None,
    };
    if tls.is_none() && !args.listen.ip().is_loopback() && !args.insecure_http {
        return Err(usage(format!(
            "--listen {}: plain HTTP is served only on a loopback address; give --tls-cert and \
             --tls-key, or --insecure-http behind a trusted TLS proxy",
            args.listen
        )));
    }
    let fingerprint = match &tls {
        Some((cert, _)) => Some(cert_fingerprint(cert)?),
        None => None,
    };
    let hub = Arc::new(open(db)?);
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
        let app = usalama_hub::http::router(hub.clone());
        let handle = axum_server::Handle::new();
        let shutdown = handle.clone();
        tokio::spawn(async move {
            shutdown_signal().await;
            shutdown.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
        });
        listener
            .set_nonblocking(true)
            .map_err(|e| Failure(1, e.to_string()))?;
        let result = match tls {
            Some((cert, key)) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                    .await
                    .map_err(|e| usage(format!("--tls-cert/--tls-key: {e}")))?;
                axum_server::from_tcp_rustls(listener, config)
                    .handle(handle)
                    .serve(app.into_make_service())
                    .await
            }
            None => {
                axum_server::from_tcp(listener)
                    .handle(handle)
                    .serve(app.into_make_service())
                    .await
            }
        };
        result.map_err(|e| Failure(1, format!("the server stopped: {e}")))
    })
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

/// SHA-256 of the first certificate in a PEM file: what devices pin.
fn cert_fingerprint(path: &std::path::Path) -> Result<String, Failure> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let cert = CertificateDer::pem_file_iter(path)
        .map_err(|e| usage(format!("--tls-cert {}: {e}", path.display())))?
        .next()
        .ok_or_else(|| {
            usage(format!(
                "--tls-cert {}: no certificate in it",
                path.display()
            ))
        })?
        .map_err(|e| usage(format!("--tls-cert {}: {e}", path.display())))?;
    Ok(hex::encode(Sha256::digest(cert.as_ref())))
}
