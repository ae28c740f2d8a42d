//! Accepting connections with limits a server on a shared network needs:
//! `axum::serve` (0.8) sets no timer, so hyper applies no header timeout and
//! a client that opens connections and sends nothing keeps them, and a file
//! descriptor each, forever.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

/// What a connection may take.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Until a request's head has arrived: from the connection's opening,
    /// and between the requests of a kept-alive connection.
    pub head: Duration,
    /// HTTP connections served at once; more wait in the listen queue. (A
    /// WebSocket leaves HTTP once upgraded, behind the token.)
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // A browser sends its request head at once; ten seconds is generous
        // on a slow network and short enough to shed idle sockets.
        Limits { head: Duration::from_secs(10), connections: 256 }
    }
}

/// How long a stopping server waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(2);

/// Serve `app` on `listener` until `stop` completes, then let the requests
/// in flight finish (for a little while).
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, stop: impl Future<Output = ()>) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let (stopping, stopped) = watch::channel(false);
    let mut stop = pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                // The semaphore is never closed; should it be, stop serving.
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors, most likely: wait for some to be freed.
                    tracing::warn!("cannot accept a connection: {err}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let app = app.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            // Held until the connection ends, so the server can wait for it.
            let _slot = slot;
            if !speaks_within(&stream, limits.head).await {
                return;
            }
            let service = TowerToHyperService::new(app);
            let mut builder = http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(limits.head);
            let mut connection =
                pin!(builder.serve_connection(TokioIo::new(stream), service).with_upgrades());
            loop {
                tokio::select! {
                    ended = connection.as_mut() => {
                        if let Err(err) = ended {
                            tracing::debug!("connection ended: {err}");
                        }
                        break;
                    }
                    // Finish the request in flight, take no more.
                    _ = stopped.changed() => connection.as_mut().graceful_shutdown(),
                }
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Every connection holds a slot: all slots back means all ended.
    let all = u32::try_from(limits.connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(DRAIN, slots.acquire_many(all)).await.is_err() {
        tracing::debug!("requests still in flight after {DRAIN:?}; stopping anyway");
    }
}

/// Whether the client sends its first byte in time. hyper's header timeout
/// only starts once it reads a request, so a silent new connection would
/// escape it.
async fn speaks_within(stream: &TcpStream, limit: Duration) -> bool {
    let mut first = [0u8; 1];
    matches!(tokio::time::timeout(limit, stream.peek(&mut first)).await, Ok(Ok(n)) if n > 0)
}
