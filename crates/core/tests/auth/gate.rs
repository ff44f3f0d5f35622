//! Holds calls to chosen store methods until released, and counts the calls waiting, so that a
//! test can stop concurrent use cases at one step and act while they wait there.

use std::collections::HashSet;

use tokio::sync::watch;

#[derive(Debug, Clone, Default)]
struct State {
    held: HashSet<&'static str>,
    waiting: usize,
}

#[derive(Debug)]
pub struct Gate {
    state: watch::Sender<State>,
}

impl Default for Gate {
    fn default() -> Self {
        Self {
            state: watch::Sender::new(State::default()),
        }
    }
}

impl Gate {
    /// Calls to these methods wait from now on, until `release`.
    pub fn hold(&self, methods: &[&'static str]) {
        self.state
            .send_modify(|s| s.held.extend(methods.iter().copied()));
    }

    pub fn release(&self) {
        self.state.send_modify(|s| s.held.clear());
    }

    /// Waits while `method` is held.
    pub async fn pass(&self, method: &'static str) {
        if !self.state.borrow().held.contains(method) {
            return;
        }
        self.state.send_modify(|s| s.waiting += 1);
        let mut rx = self.state.subscribe();
        let _ = rx.wait_for(|s| !s.held.contains(method)).await;
        self.state.send_modify(|s| s.waiting -= 1);
    }

    /// The number of calls waiting, as it changes.
    pub fn waiting(&self) -> watch::Receiver<usize> {
        let (tx, rx) = watch::channel(self.state.borrow().waiting);
        let mut states = self.state.subscribe();
        tokio::spawn(async move {
            while states.changed().await.is_ok() {
                let waiting = states.borrow().waiting;
                if tx.send(waiting).is_err() {
                    return;
                }
            }
        });
        rx
    }
}
