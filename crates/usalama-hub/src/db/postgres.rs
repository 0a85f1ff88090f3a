//! The PostgreSQL backend.

use std::path::Path;

use super::{Database, Tx};
use crate::error::{HubError, Result};

#[derive(Debug)]
pub struct Postgres;

impl Postgres {
    pub fn open(_url: &str) -> Result<Postgres> {
        Err(HubError::Database(
            "PostgreSQL is not supported by this build yet".into(),
        ))
    }
}

impl Database for Postgres {
    fn write(&self, _work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        Err(HubError::Database(
            "PostgreSQL is not supported by this build yet".into(),
        ))
    }

    fn read(&self, _work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        Err(HubError::Database(
            "PostgreSQL is not supported by this build yet".into(),
        ))
    }

    fn backup(&self, _out: &Path) -> Result<()> {
        Err(HubError::Database(
            "PostgreSQL is not supported by this build yet".into(),
        ))
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}
