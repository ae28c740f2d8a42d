//! The WebSocket of one client: every push goes out to it, and what it says
//! about itself (joining, its pointer, its selection, its view) goes into the
//! room. The room is pushed to everyone a few times a second at most, however
//! fast the pointers move.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use squall_api::{PresenceMessage, Push, Role};
use tokio::sync::broadcast;

use super::Shared;

/// How often the room is pushed when it changed: 20 times a second keeps
/// pointers smooth without a message per move per client.
const TICK: Duration = Duration::from_millis(50);

/// Forward pushes to the client and its presence to the room until it goes away.
pub async fn connect(
    shared: Arc<Shared>,
    role: Role,
    mut socket: WebSocket,
    mut pushes: broadcast::Receiver<Utf8Bytes>,
) {
    let mut joined: Option<String> = None;
    loop {
        tokio::select! {
            push = pushes.recv() => match push {
                Ok(text) => {
                    if socket.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                // A slow client misses pushes, not the latest state: it reloads on the next one.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if let Some(reply) = heard(&shared, role, &mut joined, text.as_str())
                        && socket.send(Message::Text(reply)).await.is_err()
                    {
                        break;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
    if let Some(id) = joined {
        shared.room().leave(&id);
    }
}

/// What the client said, applied; the answer to send it alone, if any.
fn heard(shared: &Shared, role: Role, joined: &mut Option<String>, text: &str) -> Option<Utf8Bytes> {
    let message: PresenceMessage = match serde_json::from_str(text) {
        Ok(message) => message,
        Err(err) => {
            tracing::debug!("ignoring a WebSocket message that is not presence: {err}");
            return None;
        }
    };
    let mut room = shared.room();
    match (message, joined.as_deref()) {
        (PresenceMessage::Join { name, colour, resume }, None) => {
            match room.join(role, &name, &colour, resume.as_deref()) {
                Ok(participant) => {
                    *joined = Some(participant.id.clone());
                    serde_json::to_string(&Push::Joined { participant }).ok().map(Utf8Bytes::from)
                }
                Err(err) => {
                    tracing::debug!("a join was refused: {err}");
                    None
                }
            }
        }
        (PresenceMessage::Join { .. }, Some(_)) => None,
        (update, Some(id)) => {
            if let Err(err) = room.update(id, update) {
                tracing::debug!("a presence update was refused: {err}");
            }
            None
        }
        (_, None) => None,
    }
}

/// Push the room to everyone whenever it changed, every [`TICK`] at most.
pub async fn tick(shared: std::sync::Weak<Shared>) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        let Some(shared) = shared.upgrade() else { return };
        let participants = {
            let mut room = shared.room();
            room.take_changed().then(|| room.participants())
        };
        if let Some(participants) = participants {
            shared.push(&Push::Presence { participants });
        }
    }
}
