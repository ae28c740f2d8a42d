//! The virtual clock: simulated time moves only when the session says so,
//! so a run is the same every time.

use jiff::{Span, Timestamp};

use crate::error::SimError;

#[derive(Clone, Debug)]
pub struct Clock {
    now: Timestamp,
    /// How far each step moves the clock.
    tick: Span,
}

impl Clock {
    /// The default start, a Monday morning, so scripts see a plausible date.
    pub const START: &str = "2026-01-05T09:00:00Z";

    pub fn new(start: &str, tick: &str) -> Result<Clock, SimError> {
        Ok(Clock { now: parse_time(start)?, tick: parse_span(tick)? })
    }

    pub fn now(&self) -> String {
        self.now.to_string()
    }

    pub fn tick(&mut self) {
        self.now = self.now.checked_add(self.tick).unwrap_or(self.now);
    }

    /// Move on by a duration such as `1h`, `30m`, `2 days` or `PT1H`.
    pub fn advance(&mut self, by: &str) -> Result<(), SimError> {
        let span = parse_span(by)?;
        self.now = self
            .now
            .checked_add(span)
            .map_err(|e| SimError::Clock(format!("cannot advance the clock by `{by}`: {e}")))?;
        Ok(())
    }

    pub fn set(&mut self, to: &str) -> Result<(), SimError> {
        self.now = parse_time(to)?;
        Ok(())
    }
}

fn parse_time(text: &str) -> Result<Timestamp, SimError> {
    text.parse()
        .map_err(|e| SimError::Clock(format!("`{text}` is not a time like 2026-01-05T09:00:00Z: {e}")))
}

fn parse_span(text: &str) -> Result<Span, SimError> {
    let span: Span = text
        .parse()
        .map_err(|e| SimError::Clock(format!("`{text}` is not a duration like 1h, 30m or 2 days: {e}")))?;
    // Timestamps have no calendar: days are 24 hours here, and months or
    // years (which vary in length) are refused with a message.
    if span.get_years() != 0 || span.get_months() != 0 || span.get_weeks() != 0 {
        return Err(SimError::Clock(format!("`{text}`: use days, hours, minutes or seconds")));
    }
    Ok(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_moves_by_ticks_and_by_request() {
        let mut clock = Clock::new(Clock::START, "1s").unwrap();
        clock.tick();
        assert_eq!(clock.now(), "2026-01-05T09:00:01Z");
        clock.advance("1h 30m").unwrap();
        assert_eq!(clock.now(), "2026-01-05T10:30:01Z");
        assert!(clock.advance("soon").unwrap_err().to_string().contains("`soon` is not a duration"));
    }
}
