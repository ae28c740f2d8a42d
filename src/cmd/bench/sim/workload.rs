//! The workload both sides of `squall bench sim` run: accounts opened, then
//! seeded deposits and withdrawals spread over them, on the bank account
//! with its read model and without its policies.

use serde_json::{Value, json};
use squall_model::{Board, Kind};

/// One command of the workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Open { account: String, owner: String },
    Deposit { account: String, amount: u32 },
    Withdraw { account: String, amount: u32 },
}

impl Op {
    /// The command's name and data as the board declares them.
    pub fn command(&self) -> (&'static str, Value) {
        match self {
            Op::Open { account, owner } => ("OpenAccount", json!({"account_id": account, "owner": owner})),
            Op::Deposit { account, amount } => {
                ("DepositMoney", json!({"account_id": account, "amount": amount}))
            }
            Op::Withdraw { account, amount } => {
                ("WithdrawMoney", json!({"account_id": account, "amount": amount}))
            }
        }
    }

    /// The command as a line of `squall run`'s input.
    pub fn line(&self) -> String {
        let (name, data) = self.command();
        json!({"command": name, "data": data}).to_string()
    }
}

/// `accounts` openings, then `changes` deposits (70 %) and withdrawals
/// (30 %, a few refused for want of funds) on random accounts. The same
/// seed gives the same commands on every machine.
pub fn ops(accounts: usize, changes: usize, seed: u64) -> Vec<Op> {
    let accounts = accounts.max(1);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut ops = Vec::with_capacity(accounts + changes);
    ops.extend((0..accounts).map(|i| Op::Open { account: format!("acc-{i}"), owner: format!("Owner {i}") }));
    ops.extend((0..changes).map(|_| {
        let account = format!("acc-{}", rng.usize(..accounts));
        if rng.u8(..100) < 70 {
            Op::Deposit { account, amount: rng.u32(1..1000) }
        } else {
            Op::Withdraw { account, amount: rng.u32(1..500) }
        }
    }));
    ops
}

/// The board without its policies (and the arrows, frame members and
/// scenarios that name them): commands, one aggregate, events and the read
/// model, as in the workload of issue 14.
pub fn without_policies(mut board: Board) -> Board {
    let policies: Vec<_> =
        board.elements.iter().filter(|e| e.kind == Kind::Policy).map(|e| e.id.clone()).collect();
    board.elements.retain(|e| !policies.contains(&e.id));
    board.connections.retain(|c| !policies.contains(&c.from) && !policies.contains(&c.to));
    for group in &mut board.groups {
        group.members.retain(|m| !policies.contains(m));
    }
    board.scenarios.clear();
    board
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workload_opens_every_account_first_then_changes_balances_the_same_way_each_time() {
        let ops = ops(3, 100, 7);

        assert_eq!(ops.len(), 103);
        assert!(ops[..3].iter().all(|op| matches!(op, Op::Open { .. })));
        assert!(ops[3..].iter().all(|op| !matches!(op, Op::Open { .. })));
        assert_eq!(ops, super::ops(3, 100, 7));
        assert_eq!(
            ops[0].line(),
            r#"{"command":"OpenAccount","data":{"account_id":"acc-0","owner":"Owner 0"}}"#
        );
    }

    #[test]
    fn the_bank_account_without_policies_has_no_policy_and_still_runs_its_read_model() {
        let board = squall_model::load(std::path::Path::new("models/bank_account.ron")).unwrap();

        let stripped = without_policies(board);

        assert!(stripped.elements.iter().all(|e| e.kind != Kind::Policy));
        assert!(stripped.elements.iter().any(|e| e.kind == Kind::ReadModel));
        let ids: Vec<_> = stripped.elements.iter().map(|e| &e.id).collect();
        assert!(stripped.connections.iter().all(|c| ids.contains(&&c.from) && ids.contains(&&c.to)));
    }
}
