//! The WebSocket of one client: every push goes out to it, and what it says
//! about itself (joining, its pointer, its selection, its view) goes into the
//! room. The room is pushed to everyone a few times a second at most, however
//! fast the pointers move.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use squall_api::{PresenceMessage, Push, Role};
use tokio::sync::{broadcast, watch};

use super::Shared;

/// How often the room is pushed when it changed: 20 times a second keeps
/// pointers smooth without a message per move per client.
const TICK: Duration = Duration::from_millis(50);

/// What one client's socket hears: every push of the kinds where each one
/// counts (the run's steps, files changed), and the newest board and room.
pub struct Pushes {
    pub all: broadcast::Receiver<Utf8Bytes>,
    pub board: watch::Receiver<Option<Utf8Bytes>>,
    pub room: watch::Receiver<Option<Utf8Bytes>>,
}

/// Forward pushes to the client and its presence to the room until it goes away.
pub async fn connect(shared: Arc<Shared>, role: Role, mut socket: WebSocket, mut pushes: Pushes) {
    // A board pushed before this client came is not news: it asks for the state itself.
    // Who is here is: it learns the room at once.
    pushes.board.mark_unchanged();
    pushes.room.mark_changed();
    let mut joined: Option<String> = None;
    loop {
        let text = tokio::select! {
            // The board first: a later push (a lint update, a step) must not overtake it.
            biased;
            changed = pushes.board.changed() => match changed {
                Ok(()) => pushes.board.borrow_and_update().clone(),
                Err(_) => break,
            },
            push = pushes.all.recv() => match push {
                Ok(text) => Some(text),
                // Missed pushes are steps and file notices; the board's state comes on its own.
                Err(broadcast::error::RecvError::Lagged(_)) => None,
                Err(broadcast::error::RecvError::Closed) => break,
            },
            changed = pushes.room.changed() => match changed {
                Ok(()) => pushes.room.borrow_and_update().clone(),
                Err(_) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => heard(&shared, role, &mut joined, text.as_str()),
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => None,
            },
        };
        if let Some(text) = text
            && socket.send(Message::Text(text)).await.is_err()
        {
            break;
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
