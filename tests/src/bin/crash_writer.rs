//! Records reports one at a time, forever, printing each id once its save has returned.
//! The crash test kills it with SIGKILL at random moments.

use std::io::Write;
use std::path::PathBuf;

use time::OffsetDateTime;
use usalama_core::domain::Report;
use usalama_core::Store;

fn main() {
    let home = PathBuf::from(std::env::args().nth(1).expect("usage: crash-writer HOME"));
    let passphrase = std::env::var("USALAMA_PASSPHRASE").expect("USALAMA_PASSPHRASE");
    let mut store = Store::open(&home, &passphrase).expect("opens");
    let mut out = std::io::stdout().lock();
    for n in 0.. {
        let doc = usalama_tests::report_doc(n);
        let report = Report::parse(&doc, OffsetDateTime::now_utc()).expect("valid");
        let ids = store.file_reports(&[report]).expect("saved");
        writeln!(out, "{}", ids[0]).expect("stdout");
        out.flush().expect("stdout");
    }
}
