//! A device user's enrolled phone: the number the hub texts the answers to their alerts, in
//! their language, as the administrator recorded it (`usalama-hub devices phone`). Without
//! one, answers go to the number the alert came from, in both languages. The number is sealed
//! to the hub's own key at rest, like a sender's.

use usalama_protocol::domain::Lang;
use usalama_protocol::ledger::DeviceId;
use usalama_protocol::sms::SmsNumber;

use super::at_rest;
use crate::db::{self, DeviceRecord, Tx};
use crate::error::{HubError, Refusal, Result};
use crate::hub::devices::find_device;
use crate::hub::Hub;

fn key(device: &DeviceId) -> String {
    format!("sms-phone:{device}")
}

impl Hub {
    /// Records `number` as the phone of the device `device` (its id or a prefix of at least
    /// 6 hex digits) and `lang` as the language of its texts; a bad number or an unknown
    /// device changes nothing.
    pub fn set_sms_phone(
        &self,
        device: &str,
        number: &str,
        lang: Lang,
    ) -> Result<(DeviceRecord, SmsNumber)> {
        let number = SmsNumber::parse(number)
            .map_err(|e| HubError::refused(Refusal::Invalid, e.to_string()))?;
        let sealed = self.seal_at_rest(number.as_str().as_bytes(), at_rest::SENDER)?;
        let record = db::write(self.db(), |tx| {
            let record = find_device(tx, device, self.id)?;
            let value = format!("{}:{}", lang.as_str(), hex::encode(&sealed));
            tx.set_meta(&key(&record.id), &value)?;
            Ok(record)
        })?;
        Ok((record, number))
    }

    /// The enrolled phone of `device` and the language of its texts, if recorded.
    pub(super) fn sms_phone(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceId,
    ) -> Result<Option<(String, Lang)>> {
        let Some(stored) = tx.meta(&key(device))? else {
            return Ok(None);
        };
        let damaged = || HubError::Database("a stored phone number is damaged".into());
        let (lang, sealed) = stored.split_once(':').ok_or_else(damaged)?;
        let lang = Lang::parse(lang).map_err(|_| damaged())?;
        let sealed = hex::decode(sealed).map_err(|_| damaged())?;
        let number = self.open_at_rest(&sealed, at_rest::SENDER)?;
        Ok(Some((String::from_utf8_lossy(&number).into_owned(), lang)))
    }
}
