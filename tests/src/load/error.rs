//! Why a load run could not be set up or could not go on. A refusal or failure of one request
//! during the run is not an error here: it is counted by kind (see `tally`).

/// What stopped a load run.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// An option that cannot work (the message names it).
    #[error("{0}")]
    Usage(String),
    /// The hub under test could not be prepared, started or reached.
    #[error("the hub under test: {0}")]
    Hub(String),
    /// The hub's database, opened with the hub's library before the hub serves.
    #[error("the hub's database: {0}")]
    Database(#[from] usalama_hub::HubError),
    /// A step of the set-up (enrolling, seeding, catching up) failed: the run cannot measure
    /// what it was asked to.
    #[error("set-up: {0}")]
    Setup(String),
    /// A synthetic report or request could not be made (a bug in this tool).
    #[error("a synthetic request: {0}")]
    Synthetic(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<usalama_core::protocol::Error> for LoadError {
    fn from(e: usalama_core::protocol::Error) -> LoadError {
        LoadError::Synthetic(e.to_string())
    }
}
