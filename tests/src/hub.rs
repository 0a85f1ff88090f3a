//! A real hub on 127.0.0.1 for tests and benchmarks.

/// A real hub on 127.0.0.1, with a fresh SQLite database, served until dropped.
#[derive(Debug)]
pub struct TestHub {
    pub url: String,
    pub hub: std::sync::Arc<usalama_hub::Hub>,
    pub dir: tempfile::TempDir,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TestHub {
    pub fn start() -> TestHub {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = usalama_hub::db::open(&dir.path().join("hub.db").display().to_string())
            .expect("hub database");
        let hub = std::sync::Arc::new(usalama_hub::Hub::open(db).expect("hub"));
        // The port is bound before the server task starts: no sleeps, no races.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        hub.set_address(&url, None).expect("address recorded");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        // Every device of a test speaks from 127.0.0.1, many times a second: the rate limit is
        // raised; the other limits are `serve`'s (tests/hardening.rs checks the limits).
        let limits = usalama_hub::http::Limits {
            burst: 100_000,
            per_minute: 100_000,
            ..usalama_hub::http::Limits::default()
        };
        // The production serve path, as `usalama-hub serve` runs it (plain HTTP on loopback).
        let served = usalama_hub::serve::serve(
            hub.clone(),
            listener,
            None,
            None,
            limits,
            usalama_hub::serve::Handle::new(),
        );
        runtime.spawn(async move { served.await.expect("serves") });
        TestHub {
            url,
            hub,
            dir,
            runtime: Some(runtime),
        }
    }

    /// A one-time enrollment string for a person.
    pub fn enrollment(&self, name: &str, role: &str, unit: &str, agency: Option<&str>) -> String {
        let code = self.enrollment_code(name, role, unit, agency);
        usalama_core::enrollment::Enrollment::new(&self.url, &code, None)
            .expect("enrollment")
            .to_string()
    }

    /// A one-time enrollment code for a person, for a device that enrolls itself over HTTP.
    pub fn enrollment_code(
        &self,
        name: &str,
        role: &str,
        unit: &str,
        agency: Option<&str>,
    ) -> String {
        self.hub
            .invite(&usalama_hub::hub::InviteRequest {
                name: name.into(),
                role: usalama_core::domain::Role::parse(role).expect("role"),
                unit: unit.into(),
                agency: agency.map(|a| usalama_core::domain::Agency::parse(a).expect("agency")),
                cleared: false,
                person: None,
                hours: 1,
            })
            .expect("invited")
            .code
    }

    /// Approves every device waiting for approval (enrolled from a cleared or administrator's
    /// invite), as the county ICT officer does after comparing ids.
    pub fn approve_pending(&self) {
        for d in self.hub.devices().expect("devices") {
            if d.pending && !d.revoked {
                self.hub.approve(&d.id.to_string()).expect("approved");
            }
        }
    }

    /// Entries the hub holds, and how many of them it refused.
    pub fn entry_counts(&self) -> (u64, u64) {
        self.hub.entry_counts().expect("counts")
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
