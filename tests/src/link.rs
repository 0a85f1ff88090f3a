//! A link between a device and the hub, as a TCP proxy on 127.0.0.1 that counts requests and
//! bytes (HTTP headers included), and can shape the link like 2G (latency, bandwidth) or cut
//! the connection after every so many bytes sent, either way.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// How the link behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkConfig {
    /// Added to every byte's trip in each direction (half the round trip).
    pub one_way_delay: Duration,
    /// Bandwidth in each direction, in bytes per second; `None` for unlimited.
    pub bytes_per_second: Option<u64>,
    /// Cut the connection in use each time this many more bytes went from device to hub.
    pub cut_every: Option<u64>,
    /// Cut the connection in use each time this many more bytes went from hub to device (an
    /// answer cut in the middle, as a download is).
    pub cut_down_every: Option<u64>,
}

/// What crossed the link.
#[derive(Debug, Default)]
pub struct LinkStats {
    pub requests: AtomicU64,
    /// Device → hub bytes, headers included.
    pub up: AtomicU64,
    /// Hub → device bytes, headers included.
    pub down: AtomicU64,
    pub cuts: AtomicU64,
}

impl LinkStats {
    pub fn reset(&self) {
        for c in [&self.requests, &self.up, &self.down, &self.cuts] {
            c.store(0, Ordering::SeqCst);
        }
    }

    /// (requests, up bytes, down bytes, cuts)
    pub fn read(&self) -> (u64, u64, u64, u64) {
        (
            self.requests.load(Ordering::SeqCst),
            self.up.load(Ordering::SeqCst),
            self.down.load(Ordering::SeqCst),
            self.cuts.load(Ordering::SeqCst),
        )
    }
}

#[derive(Debug)]
pub struct Link {
    pub url: String,
    pub stats: Arc<LinkStats>,
}

impl Link {
    /// Starts a proxy to the hub at `hub_url` (`http://HOST:PORT`). It runs until the process
    /// ends.
    pub fn start(hub_url: &str, config: LinkConfig) -> Link {
        let upstream = hub_url.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("port");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let stats = Arc::new(LinkStats::default());
        let shared = stats.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let pair = [
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                ];
                let up = (
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                let down = (server, client);
                let stats_up = shared.clone();
                let stats_down = shared.clone();
                std::thread::spawn(move || pump(up.0, up.1, config, &stats_up, true, pair));
                std::thread::spawn(move || {
                    let pair = [
                        down.0.try_clone().expect("clone"),
                        down.1.try_clone().expect("clone"),
                    ];
                    pump(down.0, down.1, config, &stats_down, false, pair)
                });
            }
        });
        Link { url, stats }
    }
}

/// Copies `from` to `to` through a delay line with a bandwidth limit.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    config: LinkConfig,
    stats: &LinkStats,
    upward: bool,
    both: [TcpStream; 2],
) {
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    let writer = std::thread::spawn(move || {
        for (due, chunk) in rx {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            if to.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
    // Packet-sized reads, so that shaping is smooth.
    let mut buf = [0u8; 1400];
    let mut line_free = Instant::now();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        if upward {
            // Requests start with their method.
            let starts = chunk.windows(9).filter(|w| w == b"POST /v1/").count() as u64;
            stats.requests.fetch_add(starts, Ordering::SeqCst);
            let before = stats.up.fetch_add(n as u64, Ordering::SeqCst);
            if let Some(every) = config.cut_every {
                if (before + n as u64) / every > before / every {
                    stats.cuts.fetch_add(1, Ordering::SeqCst);
                    for s in &both {
                        let _ = s.shutdown(Shutdown::Both);
                    }
                    break;
                }
            }
        } else {
            let before = stats.down.fetch_add(n as u64, Ordering::SeqCst);
            if let Some(every) = config.cut_down_every {
                if (before + n as u64) / every > before / every {
                    stats.cuts.fetch_add(1, Ordering::SeqCst);
                    for s in &both {
                        let _ = s.shutdown(Shutdown::Both);
                    }
                    break;
                }
            }
        }
        let now = Instant::now();
        let transmit = config.bytes_per_second.map_or(Duration::ZERO, |bps| {
            Duration::from_secs_f64(n as f64 / bps as f64)
        });
        line_free = line_free.max(now) + transmit;
        if tx
            .send((line_free + config.one_way_delay, chunk.to_vec()))
            .is_err()
        {
            break;
        }
    }
    drop(tx);
    let _ = writer.join();
}
