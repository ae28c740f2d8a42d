//! The bank account of the event-sourcing literature, run end to end.

mod common;

use common::{open, run};
use serde_json::json;

#[test]
fn given_an_open_account_when_money_is_deposited_then_the_overview_and_policies_follow() {
    let mut session = open("bank_account.ron");
    run(&mut session, "OpenAccount", json!({"account_id": "ceo-bonus", "owner": "The CEO"}));
    run(&mut session, "OpenAccount", json!({"account_id": "acc-1", "owner": "Alice"}));
    let _traces = run(&mut session, "DepositMoney", json!({"account_id": "acc-1", "amount": 100}));
    let overview = session.document("AccountOverview", "acc-1").unwrap().unwrap();
    assert_eq!(overview["balance"], json!(100));
    let bonus = session.document("AccountOverview", "ceo-bonus").unwrap().unwrap();
    assert_eq!(bonus["balance"], json!(1));
}
