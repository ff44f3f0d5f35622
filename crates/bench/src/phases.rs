//! The phases of a run: what is measured on each server.

use tessera_core::password::HashParams;

use crate::plantdb::PlantDb;
use crate::process::Process;
use crate::report::{Durability, Report, ScaleRow};
use crate::suite::Plan;
use crate::workloads;
use crate::{ceiling, scale};

/// tessera at its defaults on a store filled with `sessions` live sessions: start-up, memory,
/// one rotation's latency, validation and refresh. On the small store (the main table's
/// figures), also whether every answered rotation survives a crash (kill -9, restart, present
/// each chain's last token). Returns the running server and an access token.
pub async fn tessera_store(
    plan: &Plan,
    sessions: usize,
    r: &mut Report,
) -> Result<(Process, String), String> {
    let tessera = plan.tessera(HashParams::OWASP);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    tessera.start(dir.path())?.stop();
    plan.progress(&format!("tessera: adding {sessions} sessions to its store"));
    let fill = scale::add_sessions(dir.path(), sessions).await?;
    let mut server = tessera.start(dir.path())?;
    let (startup, rss_idle_kib) = (server.startup, server.rss_kib());
    plan.progress(&format!(
        "tessera ({sessions} sessions): validation, refresh"
    ));
    let rotation_ms = workloads::rotation_ms(server.addr, 5).await?;
    let (access, _) = workloads::login(server.addr).await?;
    // The main table's runs (one session) are followed by open-loop runs.
    let main = sessions == 1;
    let validate = || workloads::validation(&access, plan.connections);
    let validation = if main {
        plan.closed_open(&server, validate).await
    } else {
        plan.closed(&server, validate()).await
    };
    let (_, heads) = workloads::refresh_chains(server.addr, plan.connections).await?;
    let mut refresh = plan.closed(&server, workloads::chains(&heads)).await;
    if main {
        // The ceiling right after the run it is compared with, then the open-loop run.
        plan.progress("raw rotation ceiling: the same store call on SQLite in this process");
        r.ceiling_sqlite = Some(ceiling::sqlite(plan).await?);
        let chains = workloads::chains(&heads);
        refresh.open = plan.open_after(&[server.addr], &refresh, chains).await;
    }
    r.scale.push(ScaleRow {
        sessions,
        fill,
        startup,
        rss_idle_kib,
        rotation_ms,
        validation,
        refresh,
    });
    if sessions == 1 {
        credentials(plan, &server, &access, r).await;
        r.validation.tessera = Some(validation);
        r.refresh.tessera = Some(refresh);
        plan.progress("tessera: kill -9, restart, present each chain's last refresh token");
        server.crash();
        server = tessera.start(dir.path())?;
        let (accepted, presented) = workloads::accepted(server.addr, &heads).await;
        r.durability = Some(Durability {
            accepted,
            presented,
            chains: heads.len(),
            restart: server.startup,
        });
    }
    Ok((server.owning(dir), access))
}

/// Validation of the other bearer credentials: an API key at its verify endpoint, a scoped
/// token at the validation endpoint. One that cannot be issued is left out of the table.
async fn credentials(plan: &Plan, server: &Process, access: &str, r: &mut Report) {
    plan.progress("tessera: API-key verification, scoped-token validation");
    if let Ok(key) = workloads::apikey(server.addr, access).await {
        let work = || workloads::apikey_verification(&key, plan.connections);
        r.apikey.tessera = Some(plan.closed_open(server, work).await);
    }
    if let Ok(token) = workloads::scoped_token(server.addr, access).await {
        let work = || workloads::validation(&token, plan.connections);
        r.scoped.tessera = Some(plan.closed_open(server, work).await);
    }
}

/// tessera hashing with PlantDB's parameters: login, and validation during a login flood.
pub async fn tessera_plantdb_params(plan: &Plan, r: &mut Report) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let server = plan
        .tessera(HashParams::PLANTDB)
        .start(dir.path())?
        .owning(dir);
    plan.progress("tessera at PlantDB's parameters: login, login flood");
    let login = || workloads::login_flood(plan.connections);
    r.login_plantdb.tessera = Some(plan.closed_open(&server, login).await);
    let (access, _) = workloads::login(server.addr).await?;
    let (validation, logins) = plan.flood(&server, &access).await;
    r.flood_validation.tessera = Some(validation);
    r.flood_login.tessera = Some(logins);
    server.stop();
    Ok(())
}

/// The same workloads on PlantDB.
pub async fn plantdb(plan: &Plan, peer: &PlantDb, r: &mut Report) -> Result<(), String> {
    plan.progress("PlantDB: validation, refresh, login, login flood");
    let (access, _) = workloads::login(peer.addr).await?;
    let validation = || workloads::validation(&access, plan.connections);
    r.validation.peer = Some(plan.closed_open(peer, validation).await);
    let (_, heads) = workloads::refresh_chains(peer.addr, plan.connections).await?;
    r.refresh.peer = Some(plan.closed_open(peer, || workloads::chains(&heads)).await);
    let login = || workloads::login_flood(plan.connections);
    r.login_plantdb.peer = Some(plan.closed_open(peer, login).await);
    let (validation, logins) = plan.flood(peer, &access).await;
    r.flood_validation.peer = Some(validation);
    r.flood_login.peer = Some(logins);
    Ok(())
}
