//! The county's number for flash alerts by SMS: set by the administrator and recorded in the
//! hub's chain, so that every device receives it as it receives the units and shows it with
//! each alert (`SMSTO:`).

use usalama_protocol::ledger::EntryKind;
use usalama_protocol::sms::SmsNumber;

use super::Hub;
use crate::db;
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

const META: &str = "sms-number";

impl Hub {
    /// The number devices send alerts to, once the administrator has set one.
    pub fn sms_number(&self) -> Result<Option<SmsNumber>> {
        let stored = db::read(self.db(), |tx| tx.meta(META))?;
        Ok(stored.and_then(|n| SmsNumber::parse(&n).ok()))
    }

    /// Checks `text` as every device will read it and records it for every device; a bad
    /// number changes nothing.
    pub fn set_sms_number(&self, text: &str) -> Result<SmsNumber> {
        let number = SmsNumber::parse(text)
            .map_err(|e| HubError::refused(Refusal::Invalid, e.to_string()))?;
        let now = now_ms();
        db::write(self.db(), |tx| {
            tx.set_meta(META, number.as_str())?;
            self.append(tx, EntryKind::SmsConfigured, &number.to_value(), now)?;
            Ok(())
        })?;
        Ok(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_number_changes_nothing_and_a_good_one_is_kept_in_its_compact_form() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("hub.db");
        let hub = Hub::open(db::open(path.to_str().expect("a UTF-8 path")).expect("opened"))
            .expect("the hub opens");
        assert_eq!(hub.sms_number().expect("read"), None);
        let refused = hub.set_sms_number("0712 345 678").expect_err("refused");
        assert!(refused.to_string().contains("number"), "{refused}");
        assert_eq!(hub.sms_number().expect("read"), None);
        let set = hub.set_sms_number("+254 712 345 678").expect("set");
        assert_eq!(set.as_str(), "+254712345678");
        assert_eq!(hub.sms_number().expect("read"), Some(set));
    }
}
