use std::io::{BufWriter, Write};
use std::sync::Arc;

use clap::Parser;
use tessera_core::SystemClock;
use tessera_server::cli::{self, Cli, Command, ConfigAction};
use tessera_server::Server;
use tracing_subscriber::EnvFilter;

/// mimalloc rather than the system's allocator: glibc's malloc keeps what a thread freed in
/// that thread's arena (up to 8 per core, and tessera has many threads: the async workers, the
/// blocking pool's SQLite readers, the writer, the hashing threads), and after a large block is
/// freed it raises its mmap threshold to that size, so later blocks of up to 32 MiB stay in the
/// arenas too. Under a login flood and a busy store, resident memory then grew to 3 to 4 times
/// what was in use. mimalloc hands freed pages back to the system within milliseconds and
/// reclaims what an exited thread left, and is at least as fast on tessera's small allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `arena_eager_commit` option (its index in `mi_option_t`, mimalloc.h).
#[cfg(target_os = "linux")]
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Where the system overcommits (Linux), mimalloc commits the whole arena it reserves at once,
/// and never decommits memory of such an arena: freed pages are only marked reusable
/// (MADV_FREE), and stay resident until the system runs short. Committing on demand instead
/// lets freed pages go back at once (MADV_DONTNEED). The arena is reserved at the first
/// allocation, before `main`, so the option is set by a constructor, which runs earlier.
#[cfg(target_os = "linux")]
extern "C" fn return_freed_memory() {
    // SAFETY: mi_option_set only stores an option's value; it has no preconditions.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)] // a constructor runs before Rust's runtime is set up; this one only sets an option
#[used]
#[link_section = ".init_array"]
static RETURN_FREED_MEMORY: extern "C" fn() = return_freed_memory;

#[tokio::main]
async fn main() {
    // Log lines are written to stderr by a thread of their own, so a request never waits for
    // the write: its line goes to a bounded queue, and while the queue is full (the writer
    // cannot keep up) lines are dropped rather than slowing requests. The writer writes
    // what has queued in one go; dropping the guard writes what is left.
    let (writer, guard) = tracing_appender::non_blocking(BufWriter::new(std::io::stderr()));
    // Access lines take the same writer, formatted without tracing's formatter and handed to
    // it in batches.
    let access = tessera_server::access_log::install_batched(writer.clone());
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("TESSERA_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(writer)
        .with_ansi(false)
        .event_format(tessera_server::log_format::LineFormat)
        .init();
    let ran = run(Cli::parse()).await;
    drop(access);
    drop(guard);
    if let Err(e) = ran {
        eprintln!("tessera: {}", cli::report(&e));
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { args } => {
            let mut server = Server::new(args.config()?);
            server.demo = args.demo;
            let running = server.start().await?;
            let mut out = std::io::stdout().lock();
            if let Some(password) = &running.initial_admin_password {
                let _ = writeln!(out, "created user admin with password: {password}");
                let _ = writeln!(
                    out,
                    "(shown once; change it with `tessera user set-password admin`)"
                );
            }
            let _ = writeln!(out, "tessera listening on {}", running.url());
            let _ = out.flush();
            drop(out);
            shutdown_signal().await;
            running.stop().await;
            Ok(())
        }
        Command::User { common, action } => {
            let config = cli::load_config(&common)?;
            let clock = Arc::new(SystemClock);
            let out = cli::run_user(&config, clock, action, &mut std::io::stdin().lock()).await?;
            print!("{out}");
            Ok(())
        }
        Command::Resource { common, action } => {
            let config = cli::load_config(&common)?;
            let out = cli::run_resource(&config, Arc::new(SystemClock), action).await?;
            print!("{out}");
            Ok(())
        }
        Command::Keys { common, action } => {
            let config = cli::load_config(&common)?;
            print!(
                "{}",
                cli::run_keys(&config, Arc::new(SystemClock), action).await?
            );
            Ok(())
        }
        Command::Client { common, action } => {
            let config = cli::load_config(&common)?;
            let out = cli::run_client(&config, Arc::new(SystemClock), action).await?;
            print!("{out}");
            Ok(())
        }
        Command::Audit { common, args } => {
            let config = cli::load_config(&common)?;
            let (out, next) = cli::run_audit(&config, Arc::new(SystemClock), args).await?;
            print!("{out}");
            if let Some(cursor) = next {
                eprintln!("more: add --cursor {cursor}");
            }
            Ok(())
        }
        Command::Backup { common, file } => {
            let config = cli::load_config(&common)?;
            print!("{}", cli::run_backup(&config, &file).await?);
            Ok(())
        }
        Command::Restore { common, args } => {
            let config = cli::load_config(&common)?;
            print!(
                "{}",
                cli::run_restore(&config, Arc::new(SystemClock), args).await?
            );
            Ok(())
        }
        Command::Config {
            action: ConfigAction::Example,
        } => {
            print!("{}", cli::EXAMPLE_CONFIG);
            Ok(())
        }
        Command::Config {
            action: ConfigAction::Check { args },
        } => {
            print!("{}", cli::run_config_check(&args)?);
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
