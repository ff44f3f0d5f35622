//! A store that fails on demand: the real SQLite store behind a switch (tessera's store
//! decorator with a `Flaky` around each call). A method told to fail answers `Error::Storage`
//! before its call is started, so it reads and writes nothing.

use std::collections::HashSet;
use std::sync::Mutex;

use async_trait::async_trait;
use tessera_core::store::decorated::{Around, Call, Decorated};
use tessera_core::{Error, Result};

use crate::gate::Gate;

/// What the injected failure says.
pub const INJECTED: &str = "injected storage failure";

/// The real store behind the switch; `Flaky`'s methods are reached through it.
pub type FlakyStore = Decorated<Flaky>;

#[derive(Default)]
enum Failing {
    #[default]
    Nothing,
    Everything,
    Only(HashSet<&'static str>),
}

#[derive(Default)]
pub struct Flaky {
    failing: Mutex<Failing>,
    /// Holds calls to chosen methods until released.
    pub gate: Gate,
}

impl Flaky {
    /// Every method fails from now on.
    pub fn fail_everything(&self) {
        *self.failing.lock().unwrap() = Failing::Everything;
    }

    /// The named methods fail from now on (and no others).
    pub fn fail(&self, methods: &[&'static str]) {
        *self.failing.lock().unwrap() = Failing::Only(methods.iter().copied().collect());
    }

    pub fn heal(&self) {
        *self.failing.lock().unwrap() = Failing::Nothing;
    }

    async fn check(&self, method: &'static str) -> Result<()> {
        self.gate.pass(method).await;
        let fails = match &*self.failing.lock().unwrap() {
            Failing::Nothing => false,
            Failing::Everything => true,
            Failing::Only(methods) => methods.contains(method),
        };
        if fails {
            let cause = std::io::Error::new(std::io::ErrorKind::BrokenPipe, INJECTED);
            return Err(Error::storage(cause));
        }
        Ok(())
    }
}

/// Each call passes the gate, checks the switch, then goes to the real store.
#[async_trait]
impl Around for Flaky {
    async fn around<'a, T: Send + 'a>(
        &'a self,
        operation: &'static str,
        call: Call<'a, T>,
    ) -> Result<T> {
        self.check(operation).await?;
        call.await
    }
}
