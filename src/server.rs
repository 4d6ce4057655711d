//! Serving: binding, graceful shutdown on SIGINT/SIGTERM with a bounded grace period.

use std::{
    future::{Future, IntoFuture},
    net::SocketAddr,
    time::Duration,
};

use tokio::net::TcpListener;

use crate::{AppState, app};

/// Serves `state` on `listener` until `shutdown` resolves, then lets in-flight requests finish
/// for at most the configured grace period.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = Duration::from_secs(state.config.shutdown_grace_secs);
    if let Err(err) = state.check_demo_accounts().await {
        tracing::error!(%err, "cannot tell whether demo accounts exist");
    }
    let periodic = tokio::spawn(crate::jobs::run(state.clone()));
    let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: finishing in-flight requests");
        // The receiver lives until `serve` returns, so this send cannot fail meaningfully.
        let _ = stopping_tx.send(true);
    });
    let outcome = tokio::select! {
        result = server.into_future() => result,
        () = async {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!(?grace, "grace period over: dropping the requests still running");
            Ok(())
        }
    };
    periodic.abort();
    outcome
}

/// Resolves at the first SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
