//! The board as a code skeleton: message types, aggregates, policies and
//! projections with their bodies left to implement.
