//! Sync through a real hub on 127.0.0.1.
