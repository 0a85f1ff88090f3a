// Every string the user reads, in English and Kiswahili: one catalogue, keys grouped by screen.
// Kiswahili terms follow the project's glossary (shared domain notes); `{name}` marks a value.
// The closed vocabularies' labels (`type.killing`, `livestock.cattle`, `indicator.war_songs`, ...)
// are not typed here: they come from the one vocabulary file the printed summaries read too
// (generated/vocabulary.ts), so the screen and the paper cannot drift apart.

import { VOCABULARY } from "./generated/vocabulary";

/** Each vocabulary's key prefix in this catalogue. */
const PREFIXES = {
  incident_type: "type",
  urgency: "urgency",
  species: "livestock",
  agency: "agency",
  source_kind: "source",
  status: "status",
  outcome: "outcome",
  role: "role",
  unit_kind: "kind",
  resource: "resource",
  indicator_family: "family",
  indicator: "indicator",
} as const;

type Vocabulary = keyof typeof PREFIXES;
type VocabularyKey = {
  [V in Vocabulary]: `${(typeof PREFIXES)[V]}.${(typeof VOCABULARY)[V][number]["key"]}`;
}[Vocabulary];

/** Species and resources are written in lower case for the middle of a printed sentence; on
 * screen they stand alone as field labels. */
const CAPITALISED: readonly Vocabulary[] = ["species", "resource"];

function vocabularyStrings(): Record<VocabularyKey, readonly [string, string]> {
  const capital = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);
  const entries: [string, readonly [string, string]][] = [];
  for (const set of Object.keys(PREFIXES) as Vocabulary[]) {
    const fix = CAPITALISED.includes(set) ? capital : (s: string) => s;
    for (const term of VOCABULARY[set]) {
      entries.push([`${PREFIXES[set]}.${term.key}`, [fix(term.en), fix(term.sw)]]);
    }
  }
  return Object.fromEntries(entries) as Record<VocabularyKey, readonly [string, string]>;
}

const screens = {
  // App and navigation
  "app.title": ["Usalama: security reports", "Usalama: ripoti za usalama"],
  "nav.home": ["Home", "Mwanzo"],
  "nav.new": ["New report", "Ripoti mpya"],
  "nav.reports": ["Reports", "Ripoti"],
  "nav.settings": ["Settings", "Mipangilio"],
  "nav.main": ["Main menu", "Menyu kuu"],
  "nav.lock": ["Lock", "Funga"],
  "common.loading": ["Loading…", "Inapakia…"],
  "common.yes": ["Yes", "Ndiyo"],
  "common.no": ["No", "Hapana"],
  "common.unknown": ["Unknown", "Haijulikani"],
  "common.cancel": ["Cancel", "Ghairi"],
  "common.continue": ["Continue", "Endelea"],
  "common.back": ["Back", "Rudi"],
  "common.none": ["None", "Hakuna"],
  "common.optional": ["optional", "si lazima"],
  "common.restricted": ["Restricted", "Siri"],
  "common.error": ["Something went wrong", "Kuna tatizo"],
  "confirm.title": ["Are you sure?", "Una uhakika?"],

  // Dates, typed day first whatever the laptop's locale
  "date.placeholder": ["DD/MM/YYYY", "SS/MM/MMMM"],
  "date.help": ["Day/month/year, e.g. 02/12/2026", "Siku/mwezi/mwaka, mfano 02/12/2026"],
  "date.not_a_day": ["Not a date: type day/month/year, e.g. 02/12/2026", "Si tarehe: andika siku/mwezi/mwaka, mfano 02/12/2026"],
  "clock.placeholder": ["HH:MM", "SS:DD"],
  "clock.help": ["24-hour time in East Africa Time, e.g. 05:30 or 17:45", "Saa 24 za Afrika Mashariki, mfano 05:30 au 17:45"],
  "clock.not_a_time": ["Not a time: type hours:minutes on the 24-hour clock, e.g. 05:30", "Si saa: andika saa:dakika kwa saa 24, mfano 05:30"],
  "month.1": ["January", "Januari"],
  "month.2": ["February", "Februari"],
  "month.3": ["March", "Machi"],
  "month.4": ["April", "Aprili"],
  "month.5": ["May", "Mei"],
  "month.6": ["June", "Juni"],
  "month.7": ["July", "Julai"],
  "month.8": ["August", "Agosti"],
  "month.9": ["September", "Septemba"],
  "month.10": ["October", "Oktoba"],
  "month.11": ["November", "Novemba"],
  "month.12": ["December", "Desemba"],

  // Language
  "lang.label": ["Language", "Lugha"],
  "lang.en": ["English", "Kiingereza"],
  "lang.sw": ["Kiswahili", "Kiswahili"],
  "lang.choose": ["Choose your language", "Chagua lugha yako"],

  // First run
  "setup.title": ["Set up this laptop", "Andaa kompyuta hii"],
  "setup.step": ["Step {n} of 4", "Hatua {n} kati ya 4"],
  "setup.who": ["Who will use this laptop?", "Nani atatumia kompyuta hii?"],
  "setup.name": ["Your name", "Jina lako"],
  "setup.role": ["Your role", "Wadhifa wako"],
  "setup.role_help": [
    "An officer also chooses an agency. The county hub confirms every role when this laptop connects to it.",
    "Afisa huchagua pia idara yake. Kituo cha kaunti huthibitisha kila wadhifa kompyuta hii inapounganishwa nacho.",
  ],
  "setup.agency": ["Your agency", "Idara yako"],
  "setup.agency_choose": ["Choose your agency", "Chagua idara yako"],
  "setup.unit_officer": ["Your area (leave it empty if you serve the whole county)", "Eneo lako (liache tupu kama unahudumia kaunti nzima)"],
  "setup.unit": ["Your area (location, ward or village)", "Eneo lako (lokesheni, wadi au kijiji)"],
  "setup.passphrase": ["Passphrase", "Nenosiri"],
  "setup.passphrase_help": [
    "At least 10 characters. Make up a short sentence of several words that only you would think of, and that you will remember: not your name, not the name of your area, not a saying everyone knows. It locks the reports if the laptop is stolen.",
    "Angalau herufi 10. Tunga sentensi fupi ya maneno kadhaa ambayo wewe tu ungeifikiria, na utakayoikumbuka: si jina lako, si jina la eneo lako, wala msemo unaojulikana na kila mtu. Inafunga ripoti kompyuta ikiibwa.",
  ],
  "setup.one_word": [
    "A hint: several words are easier to remember and harder to guess than one long word.",
    "Dokezo: maneno kadhaa ni rahisi kukumbuka na magumu kukisia kuliko neno moja refu.",
  ],
  "setup.passphrase_again": ["Passphrase again", "Nenosiri tena"],
  "setup.mismatch": ["The two passphrases are not the same.", "Manenosiri mawili hayafanani."],
  "setup.too_short": [
    "The passphrase needs at least 10 characters: use several words.",
    "Nenosiri linahitaji angalau herufi 10: tumia maneno kadhaa.",
  ],
  "setup.create": ["Create the encrypted store", "Unda hifadhi iliyosimbwa"],
  "setup.creating": ["Creating… this takes a few seconds", "Inaunda… inachukua sekunde chache"],
  "setup.code_title": ["Write down your recovery code", "Andika msimbo wako wa kurejesha"],
  "setup.code_help": [
    "This code opens the reports if the passphrase is forgotten. It is shown only this once. Write it on paper now and keep the paper somewhere safe, away from the laptop.",
    "Msimbo huu unafungua ripoti ukisahau nenosiri. Unaonyeshwa mara hii moja tu. Uandike kwenye karatasi sasa na uiweke mahali salama, mbali na kompyuta.",
  ],
  "setup.code_written": ["I have written the code down", "Nimeandika msimbo"],
  "setup.done": ["Start using Usalama", "Anza kutumia Usalama"],
  "setup.hub_later": [
    "Connecting to the county hub is optional: the county ICT officer can do it later. Until then, reports are kept safely on this laptop.",
    "Kuunganisha na kituo cha kaunti si lazima: afisa wa TEHAMA wa kaunti anaweza kufanya hivyo baadaye. Hadi hapo, ripoti zinahifadhiwa salama kwenye kompyuta hii.",
  ],

  // Unlock
  "unlock.title": ["Open Usalama", "Fungua Usalama"],
  "unlock.help": ["Enter your passphrase to open the reports.", "Andika nenosiri lako kufungua ripoti."],
  "unlock.open": ["Open", "Fungua"],
  "unlock.opening": ["Opening…", "Inafungua…"],
  "unlock.wrong": [
    "Wrong passphrase. Nothing was changed. Check Caps Lock and the keyboard language, then try again.",
    "Nenosiri si sahihi. Hakuna kilichobadilika. Angalia Caps Lock na lugha ya kibodi, kisha jaribu tena.",
  ],
  "unlock.forgot": ["Forgot the passphrase? Use the recovery code", "Umesahau nenosiri? Tumia msimbo wa kurejesha"],
  "unlock.code": ["Recovery code (20 letters and digits)", "Msimbo wa kurejesha (herufi na tarakimu 20)"],
  "unlock.new_passphrase": ["New passphrase", "Nenosiri jipya"],
  "unlock.recover": ["Open and set the new passphrase", "Fungua na weka nenosiri jipya"],
  "unlock.wrong_code": [
    "That recovery code does not open this store. Nothing was changed.",
    "Msimbo huo haufungui hifadhi hii. Hakuna kilichobadilika.",
  ],

  // Locked
  "lock.title": ["Usalama is locked", "Usalama imefungwa"],
  "lock.help": [
    "The reports are locked. Enter your passphrase to continue where you were: nothing you were writing is lost.",
    "Ripoti zimefungwa. Andika nenosiri lako kuendelea ulipokuwa: hakuna ulichokuwa ukiandika kilichopotea.",
  ],
  "lock.sending": [
    "What was waiting to be sent ({n}) goes to the county as soon as there is a network, even while locked.",
    "Kilichokuwa kikisubiri kutumwa ({n}) kitatumwa kaunti mara mtandao utakapopatikana, hata ikiwa imefungwa.",
  ],
  "lock.sent": [
    "What was waiting has been sent to the county.",
    "Kilichokuwa kikisubiri kimetumwa kaunti.",
  ],
  "lock.not_sent": [
    "What was waiting could not be sent while locked; it goes after you open Usalama.",
    "Kilichokuwa kikisubiri hakikuweza kutumwa ikiwa imefungwa; kitatumwa utakapofungua Usalama.",
  ],

  // Home
  "home.title": ["Home", "Mwanzo"],
  "home.new": ["New report", "Ripoti mpya"],
  "home.new_help": ["Record an incident or an early-warning sign", "Rekodi tukio au ishara ya tahadhari"],
  "home.recent": ["Recent reports", "Ripoti za karibuni"],
  "home.none": ["No reports yet. Press “New report” to record one.", "Bado hakuna ripoti. Bonyeza “Ripoti mpya” kurekodi."],
  "home.all": ["See all reports", "Ona ripoti zote"],
  "home.draft_offer": [
    "You have an unfinished report from {when}.",
    "Una ripoti ambayo haijakamilika ya {when}.",
  ],
  "home.draft_continue": ["Continue it", "Iendeleze"],
  "home.draft_discard": ["Discard it", "Itupe"],
  "home.draft_discard_confirm": ["Discard this unfinished report? It cannot be undone.", "Tupa ripoti hii ambayo haijakamilika? Haiwezi kurudishwa."],
  "home.draft_untitled": ["Unfinished report", "Ripoti isiyokamilika"],
  "home.clock": ["This laptop's clock looks wrong. Reports are still saved; please set the date and time.", "Saa ya kompyuta hii inaonekana si sahihi. Ripoti bado zinahifadhiwa; tafadhali weka tarehe na saa."],

  // Sync bar
  "sync.label": ["Sending to the county", "Kutuma kwa kaunti"],
  "sync.not_enrolled": ["This laptop is not connected to a county hub.", "Kompyuta hii haijaunganishwa na kituo cha kaunti."],
  "sync.waiting": ["{n} reports waiting to send", "Ripoti {n} zinasubiri kutumwa"],
  "sync.waiting_one": ["1 report waiting to send", "Ripoti 1 inasubiri kutumwa"],
  "sync.waiting_none": ["Nothing waiting to send", "Hakuna kinachosubiri kutumwa"],
  "sync.saved_here": ["Reports are kept safely on this laptop.", "Ripoti zimehifadhiwa salama kwenye kompyuta hii."],
  "sync.online": ["Connected", "Imeunganishwa"],
  "sync.offline": ["No network", "Hakuna mtandao"],
  "sync.syncing": ["Syncing…", "Inasawazisha…"],
  "sync.last_success": ["Last sent: {when}", "Ilitumwa mwisho: {when}"],
  "sync.never": ["Never sent yet", "Bado haijatumwa"],
  "sync.last_failure": ["Last attempt failed ({when}): {message}", "Jaribio la mwisho lilishindwa ({when}): {message}"],
  "sync.now": ["Sync now", "Sawazisha sasa"],
  "sync.failed": ["Last attempt failed ({when}): {what}", "Jaribio la mwisho lilishindwa ({when}): {what}"],
  "sync.fail.unreachable": [
    "the county hub could not be reached. Reports stay safe here and are sent when the network is back.",
    "kituo cha kaunti hakikupatikana. Ripoti ziko salama hapa na zitatumwa mtandao ukirudi.",
  ],
  "sync.fail.refused": [
    "the county hub refused this laptop. Ask the county ICT office to connect it again.",
    "kituo cha kaunti kimekataa kompyuta hii. Mwombe afisa wa TEHAMA wa kaunti aiunganishe tena.",
  ],
  "sync.fail.outdated": [
    "this version of Usalama is too old for the county hub. Ask the county ICT office to update it.",
    "toleo hili la Usalama ni la zamani mno kwa kituo cha kaunti. Mwombe afisa wa TEHAMA wa kaunti alisasishe.",
  ],
  "sync.fail.server": [
    "the county hub had a problem. It will be tried again by itself.",
    "kituo cha kaunti kilikuwa na tatizo. Kitajaribiwa tena chenyewe.",
  ],
  "sync.fail.integrity": [
    "the county hub holds different records for this laptop. Tell the county ICT office.",
    "kituo cha kaunti kina rekodi tofauti za kompyuta hii. Mjulishe afisa wa TEHAMA wa kaunti.",
  ],
  "sync.fail.other": [
    "the exchange with the county hub did not finish. It will be tried again by itself.",
    "mawasiliano na kituo cha kaunti hayakukamilika. Yatajaribiwa tena yenyewe.",
  ],
  "sync.details": ["Details", "Maelezo"],

  // Connecting to the county hub
  "enroll.title": ["Connect to the county hub", "Unganisha na kituo cha kaunti"],
  "enroll.optional": ["Connect to the county hub (optional)", "Unganisha na kituo cha kaunti (si lazima)"],
  "enroll.help": [
    "The county ICT officer gives you an enrollment text, or the hub's address and a one-time code. Reports then go to the county by themselves whenever there is a network.",
    "Afisa wa TEHAMA wa kaunti atakupa maandishi ya kujiunga, au anwani ya kituo na msimbo wa mara moja. Kisha ripoti zitaenda kaunti zenyewe kila kukiwa na mtandao.",
  ],
  "enroll.text": ["Enrollment text, or the hub's address", "Maandishi ya kujiunga, au anwani ya kituo"],
  "enroll.text_help": [
    "Paste the whole text, e.g. https://hub.example:7878#code=…",
    "Bandika maandishi yote, kwa mfano https://hub.example:7878#code=…",
  ],
  "enroll.code": ["One-time code (only if given separately)", "Msimbo wa mara moja (ikiwa umepewa peke yake)"],
  "enroll.connect": ["Connect", "Unganisha"],
  "enroll.connecting": ["Connecting…", "Inaunganisha…"],
  "enroll.skip": ["Not now: connect later in Settings", "Si sasa: unganisha baadaye kwenye Mipangilio"],
  "enroll.done": ["Connected to the county hub as {name}.", "Imeunganishwa na kituo cha kaunti kama {name}."],
  "enroll.empty": ["Enter the enrollment text or the hub's address.", "Andika maandishi ya kujiunga au anwani ya kituo."],
  "enroll.unreachable": [
    "The county hub could not be reached. Check the network and the address, then try again.",
    "Kituo cha kaunti hakikupatikana. Angalia mtandao na anwani, kisha jaribu tena.",
  ],
  "enroll.refused": [
    "The county hub refused the code: it may be mistyped, used already or expired. Ask the county ICT officer for a new one.",
    "Kituo cha kaunti kimekataa msimbo: huenda umekosewa, umeshatumika au umepitwa na muda. Mwombe afisa wa TEHAMA wa kaunti msimbo mpya.",
  ],
  "enroll.invalid": [
    "This is not an enrollment text or a hub address. It looks like https://HUB:7878#code=XXXXX-XXXXX&sha256=…",
    "Haya si maandishi ya kujiunga wala anwani ya kituo. Yanafanana na https://HUB:7878#code=XXXXX-XXXXX&sha256=…",
  ],
  "enroll.connected_to": ["Connected to {hub}", "Imeunganishwa na {hub}"],
  "enroll.already": [
    "This laptop is already connected to a county hub; nothing was changed. A laptop belongs to one hub: to move, the county ICT office sets up a new laptop for you.",
    "Kompyuta hii tayari imeunganishwa na kituo cha kaunti; hakuna kilichobadilika. Kompyuta ni ya kituo kimoja: kuhamia kingine, afisa wa TEHAMA wa kaunti atakuandalia kompyuta mpya.",
  ],

  // Statuses
  "status.label": ["Status", "Hali"],
  "status.any": ["Any status", "Hali yoyote"],
  "status.draft": ["Draft", "Rasimu"],

  // Incident types
  "type.label": ["Incident type", "Aina ya tukio"],
  "type.any": ["Any type", "Aina yoyote"],

  // Urgency
  "urgency.label": ["Urgency", "Uharaka"],
  "urgency.flash_meaning": ["attack under way or about to happen", "shambulizi linaendelea au linakaribia"],

  // The report form
  "form.title": ["New report", "Ripoti mpya"],
  "form.amend_title": ["Add information to report {id}", "Ongeza taarifa kwenye ripoti {id}"],
  "form.amend_help": [
    "Change or add what you have learned. The earlier version is kept: nothing is erased.",
    "Badilisha au ongeza ulichojifunza. Toleo la awali linabaki: hakuna kinachofutwa.",
  ],
  "form.section.what": ["What happened", "Nini kilitokea"],
  "form.section.when_where": ["When and where", "Lini na wapi"],
  "form.section.people": ["People", "Watu"],
  "form.section.livestock": ["Livestock", "Mifugo"],
  "form.section.suspects": ["Suspects", "Washukiwa"],
  "form.section.agencies": ["Agencies already told", "Vyombo vilivyokwisha arifiwa"],
  "form.section.ob": ["Police Occurrence Book", "Kitabu cha matukio cha polisi (OB)"],
  "form.section.source": ["Source of the information", "Chanzo cha taarifa"],
  "form.restricted_help": [
    "Restricted: only you and cleared officers can read this section. It never appears in a public summary.",
    "Siri: ni wewe tu na maafisa walioidhinishwa wanaoweza kusoma sehemu hii. Haionekani kamwe kwenye muhtasari wa umma.",
  ],
  "form.occurred_at": ["Date and time it happened (East Africa Time)", "Tarehe na saa lilipotokea (saa za Afrika Mashariki)"],
  "form.unit": ["Area (unit)", "Eneo"],
  "form.place": ["Place name", "Jina la mahali"],
  "form.place_help": ["For example “Lami Nyeusi, near the borehole”", "Kwa mfano “Lami Nyeusi, karibu na kisima”"],
  "form.gps": ["GPS position", "Mahali kwa GPS"],
  "form.lat": ["Latitude", "Latitudo"],
  "form.lon": ["Longitude", "Longitudo"],
  "form.narrative": ["What happened, in your words", "Kilichotokea, kwa maneno yako"],
  "form.narrative_help": ["Who, what, how many, which way they went.", "Nani, nini, wangapi, walielekea wapi."],
  "form.killed": ["Killed", "Waliouawa"],
  "form.injured": ["Injured", "Waliojeruhiwa"],
  "form.abducted": ["Abducted", "Waliotekwa nyara"],
  "form.split": ["Split into men, women, children", "Gawanya: wanaume, wanawake, watoto"],
  "form.men": ["Men", "Wanaume"],
  "form.women": ["Women", "Wanawake"],
  "form.children": ["Children", "Watoto"],
  "form.count_help": ["Leave empty if none; tick Unknown if nobody knows the number.", "Acha tupu kama hakuna; weka alama Haijulikani kama idadi haijulikani."],
  "form.grid_help": ["The arrow keys move between the boxes; Tab goes on to the next part.", "Vitufe vya mishale vinahamisha kati ya visanduku; Tab inaenda sehemu inayofuata."],
  "form.flash_help": ["Flash: save as soon as the parts down to the suspects are filled in. Add the rest later with \"Add information\".", "Hatari sasa: hifadhi mara sehemu hadi washukiwa zimejazwa. Ongeza mengine baadaye kwa \"Ongeza taarifa\"."],
  "form.species": ["Animal", "Mnyama"],
  "form.stolen": ["Stolen", "Walioibwa"],
  "form.recovered": ["Recovered", "Waliorejeshwa"],
  "form.livestock_killed": ["Killed", "Waliouawa"],
  "form.estimate": ["Numbers are estimates", "Idadi ni makadirio"],
  "form.suspects_count": ["Number of suspects", "Idadi ya washukiwa"],
  "form.armed": ["Were they armed?", "Walikuwa na silaha?"],
  "form.direction": ["Direction they went", "Walikoelekea"],
  "form.group": ["Group, if known", "Kundi, kama linajulikana"],
  "form.names": ["Names of suspects (one per line)", "Majina ya washukiwa (moja kwa kila mstari)"],
  "form.ob_number": ["OB number", "Nambari ya OB"],
  "form.ob_station": ["Police station", "Kituo cha polisi"],
  "form.source_kind": ["Who told you", "Nani alikuambia"],
  "form.source_name": ["Name", "Jina"],
  "form.source_contact": ["Phone number or contact", "Nambari ya simu au mawasiliano"],
  "form.source_notes": ["Notes", "Maelezo"],
  "form.save": ["Save report", "Hifadhi ripoti"],
  "form.save_amend": ["Save the new information", "Hifadhi taarifa mpya"],
  "form.saving": ["Saving…", "Inahifadhi…"],
  "form.draft_saved": ["Draft saved on this laptop at {when}", "Rasimu imehifadhiwa kwenye kompyuta hii saa {when}"],
  "form.draft_not_saved": ["Not saved yet", "Bado haijahifadhiwa"],
  "form.draft_failed": ["The draft could not be saved: {message}", "Rasimu haikuweza kuhifadhiwa: {message}"],
  "form.has_errors": ["Nothing was saved. Please correct:", "Hakuna kilichohifadhiwa. Tafadhali sahihisha:"],
  "form.no_changes": ["Nothing was changed.", "Hakuna kilichobadilishwa."],
  "form.discard": ["Discard draft", "Tupa rasimu"],
  "form.save_shortcut": ["Ctrl+S saves from anywhere in the form", "Ctrl+S huhifadhi ukiwa popote kwenye fomu"],
  "form.saved": ["Report saved on this laptop. It goes to the county whenever the laptop is connected; its status shows where it is.", "Ripoti imehifadhiwa kwenye kompyuta hii. Inatumwa kwa kaunti kila kompyuta inapounganishwa; hali yake inaonyesha ilipo."],
  "form.amended": ["The new information was saved.", "Taarifa mpya imehifadhiwa."],

  // Problems, by rule
  "rule.required": ["This field is required.", "Sehemu hii inahitajika."],
  "rule.count": ["Must be a whole number from 0 to {max}. Tick Unknown if nobody knows.", "Lazima iwe namba kamili kuanzia 0 hadi {max}. Weka alama Haijulikani kama haijulikani."],
  "rule.not_empty": ["Must not be empty.", "Isiwe tupu."],
  "rule.too_long": ["Too long: at most {max} characters.", "Ni ndefu mno: herufi {max} zisizidi."],
  "rule.choice": ["Choose one of the options shown.", "Chagua mojawapo ya machaguo yaliyoonyeshwa."],
  "rule.date_time": ["Give the date and the time.", "Andika tarehe na saa."],
  "rule.too_early": ["The date must not be before the year 2000.", "Tarehe isiwe kabla ya mwaka 2000."],
  "rule.future": ["The date and time must not be in the future. Check the laptop's clock if it is right.", "Tarehe na saa zisiwe za baadaye. Angalia saa ya kompyuta kama ni sahihi."],
  "rule.gps": ["Latitude must be from -90 to 90 and longitude from -180 to 180 (degrees, e.g. 1.73 and 35.51).", "Latitudo iwe kati ya -90 na 90 na longitudo kati ya -180 na 180 (digrii, k.m. 1.73 na 35.51)."],
  "rule.unit_or_place": ["Choose an area or write a place name (at least one).", "Chagua eneo au andika jina la mahali (angalau kimoja)."],
  "rule.unknown_unit": ["This area is not in the list. Choose one from the list.", "Eneo hili halimo kwenye orodha. Chagua kutoka kwenye orodha."],
  "rule.retired_unit": ["This area is no longer used. Choose the one that replaced it.", "Eneo hili halitumiki tena. Chagua lililochukua nafasi yake."],
  "rule.duplicate_species": ["This animal is listed twice.", "Mnyama huyu ameorodheshwa mara mbili."],
  "rule.yes_no": ["Choose yes or no.", "Chagua ndiyo au hapana."],
  "rule.cannot_remove": ["This cannot be removed; give a new value.", "Hii haiwezi kuondolewa; andika thamani mpya."],
  "rule.unknown_field": ["This field is not allowed.", "Sehemu hii hairuhusiwi."],
  "rule.characters": ["Remove the hidden control or text-direction characters (often pasted with the text); in a one-line field, also line breaks.", "Ondoa herufi fiche za udhibiti au za mwelekeo wa maandishi (mara nyingi hubandikwa pamoja na maandishi); katika sehemu ya mstari mmoja, pia mistari mipya."],
  "rule.passphrase_short": [
    "The passphrase needs at least 10 characters: make up a short sentence of several words of your own.",
    "Nenosiri linahitaji angalau herufi 10: tunga sentensi fupi ya maneno kadhaa yako mwenyewe.",
  ],
  "rule.passphrase_example": [
    "That is the example Usalama once suggested, so it is the first passphrase a thief would try. Make up a sentence of your own.",
    "Huo ni mfano ambao Usalama ilipendekeza zamani, kwa hivyo ndilo nenosiri ambalo mwizi angejaribu kwanza. Tunga sentensi yako mwenyewe.",
  ],
  "rule.passphrase_personal": [
    "That is your name or the name of an area: anyone who knows you could guess it. Make up a sentence of several words of your own.",
    "Hilo ni jina lako au jina la eneo: yeyote anayekujua angeweza kulikisia. Tunga sentensi ya maneno kadhaa yako mwenyewe.",
  ],
  "rule.passphrase_guessable": [
    "That is too easy to guess (digits only, one character repeated, or a very common phrase). Make up a sentence of several words of your own.",
    "Hilo ni rahisi mno kukisia (tarakimu tu, herufi moja iliyorudiwa, au msemo unaojulikana sana). Tunga sentensi ya maneno kadhaa yako mwenyewe.",
  ],

  // Roles beyond the vocabulary's
  "role.unknown": ["Unknown", "Haijulikani"],

  // Unit picker
  "unit.search": ["Type to search the areas", "Andika kutafuta maeneo"],
  "unit.none_found": ["No area matches. Write the place name below instead.", "Hakuna eneo linalolingana. Andika jina la mahali hapa chini badala yake."],
  "unit.clear": ["Clear", "Futa"],
  "unit.in": ["in {parent}", "ndani ya {parent}"],

  // The list
  "list.title": ["Reports", "Ripoti"],
  "list.filters": ["Find reports", "Tafuta ripoti"],
  "list.search": ["Words to find", "Maneno ya kutafuta"],
  "list.unit": ["Area, with everything inside it", "Eneo, pamoja na yote yaliyomo"],
  "list.from": ["From (date)", "Kuanzia (tarehe)"],
  "list.to": ["To (date)", "Hadi (tarehe)"],
  "list.apply": ["Find", "Tafuta"],
  "list.clear": ["Clear filters", "Ondoa vichujio"],
  "list.count": ["{n} reports found", "Ripoti {n} zimepatikana"],
  "list.count_one": ["1 report found", "Ripoti 1 imepatikana"],
  "list.count_more": ["{total} reports found; showing the {n} newest.", "Ripoti {total} zimepatikana; zinaonyeshwa {n} za karibuni."],
  "list.more": ["Show {n} more", "Onyesha {n} zaidi"],
  "list.none": ["No report matches.", "Hakuna ripoti inayolingana."],
  "list.when": ["When", "Lini"],
  "list.where": ["Where", "Wapi"],
  "list.open": ["Open report {id}", "Fungua ripoti {id}"],

  // The report page
  "report.title": ["Report {id}", "Ripoti {id}"],
  "report.add_info": ["Add information", "Ongeza taarifa"],
  "report.timeline": ["What happened to this report", "Historia ya ripoti hii"],
  "report.reported_by": ["Reported by", "Imeripotiwa na"],
  "report.recorded_at": ["Recorded", "Ilirekodiwa"],
  "report.dated_ahead": [
    "(when the county received it: the laptop that recorded it had its clock set ahead)",
    "(ilipopokelewa na kaunti: saa ya kompyuta iliyoirekodi ilikuwa mbele)",
  ],
  "report.event.report_filed": ["Filed", "Imeripotiwa"],
  "report.event.report_amended": ["Information added", "Taarifa imeongezwa"],
  "report.event.received_by_county": ["Received by the county", "Imepokelewa na kaunti"],
  "report.event.acknowledged": ["Acknowledged by {agency}", "Imekubaliwa na {agency}"],
  "report.event.assigned": ["Lead: {lead}", "Kinachoongoza: {lead}"],
  "report.event.assigned_support": ["Lead: {lead}, supported by {support}", "Kinachoongoza: {lead}, kikisaidiwa na {support}"],
  "report.event.updated": ["Update from {agency}", "Taarifa kutoka {agency}"],
  "report.event.responding": ["Responding: {agency}", "Hatua zinachukuliwa: {agency}"],
  "report.event.closed": ["Closed: {outcome}", "Imefungwa: {outcome}"],
  "report.event.reopened": ["Reopened", "Imefunguliwa tena"],
  "report.event.report_redacted": ["Content removed", "Maudhui yameondolewa"],
  "report.event.sms_alert": ["Flash alert sent by SMS", "Tahadhari ya haraka imetumwa kwa SMS"],
  "report.event.sms_relayed": [
    "Flash alert received by SMS at the county hub",
    "Tahadhari ya haraka imepokelewa kwa SMS kwenye kituo cha kaunti",
  ],
  "report.relay_differs": [
    "Warning: the SMS alert the county hub passed on for this report is not the one the reporter's laptop made. The report itself is the reporter's own. Tell the county ICT office.",
    "Onyo: tahadhari ya SMS ambayo kituo cha kaunti kilipitisha kwa ripoti hii si ile iliyotengenezwa na kompyuta ya mwandishi. Ripoti yenyewe ni ya mwandishi. Mjulishe afisa wa TEHAMA wa kaunti.",
  ],
  "report.relayed": [
    "This flash alert arrived by SMS. The county hub vouches for it: it came from the reporter's laptop, but the full report has not arrived yet. When it does, this alert joins it and is counted once.",
    "Tahadhari hii ya haraka ilifika kwa SMS. Kituo cha kaunti kinaithibitisha: ilitoka kwenye kompyuta ya mwandishi, lakini ripoti kamili bado haijafika. Itakapofika, tahadhari hii itaunganishwa nayo na kuhesabiwa mara moja.",
  ],
  "settings.sources_waiting": [
    "{n} restricted source(s) wait on this laptop until the county key arrives. They are sealed for cleared readers and sent in the sync that brings it.",
    "Vyanzo {n} vya siri vinasubiri kwenye kompyuta hii hadi ufunguo wa kaunti ufike. Vitafungwa kwa wasomaji walioidhinishwa na kutumwa katika usawazishaji utakaouleta.",
  ],
  "report.event.source_sealed": [
    "Restricted details recorded (source, suspects' names)",
    "Taarifa za siri zimehifadhiwa (chanzo, majina ya washukiwa)",
  ],
  "report.source_sealed": [
    "This report has restricted details (its source, or the suspects' names and group) that this laptop cannot read. The county's cleared readers can; on a cleared officer's laptop they open once the county key reaches it at a sync.",
    "Ripoti hii ina taarifa za siri (chanzo chake, au majina na kundi la washukiwa) ambazo kompyuta hii haiwezi kusoma. Wasomaji walioidhinishwa na kaunti wanaweza; kwenye kompyuta ya afisa aliyeidhinishwa zitafunguka ufunguo wa kaunti ukifika wakati wa kusawazisha.",
  ],
  "report.event.redacted_by": ["Redacted by {name} at {time}", "Imeondolewa na {name} saa {time}"],
  "report.event.reason": ["Reason: {reason}", "Sababu: {reason}"],
  "report.event.linked": ["Same incident as report {id}", "Tukio moja na ripoti {id}"],
  "report.event.refused": ["This step changed nothing: {why}", "Hatua hii haikubadilisha chochote: {why}"],
  "report.contested": [
    "Two lead agencies were named at the same time: {leads}. The county commissioner's office should name one.",
    "Vyombo viwili viliteuliwa kuongoza kwa wakati mmoja: {leads}. Ofisi ya kamishna wa kaunti iteue kimoja.",
  ],
  "report.acknowledged_by": ["Acknowledged by", "Imekubaliwa na"],
  "report.event.other": ["Update", "Taarifa"],
  "report.lead": ["Lead agency", "Chombo kinachoongoza"],
  "report.supporting": ["Supporting agencies", "Vyombo vinavyosaidia"],
  "report.outcome": ["Outcome", "Matokeo"],
  "report.changes": ["Changes", "Mabadiliko"],
  "report.not_found": ["This report is not in this laptop's store.", "Ripoti hii haimo kwenye hifadhi ya kompyuta hii."],

  // Settings
  "settings.title": ["Settings", "Mipangilio"],
  "settings.language": ["Language", "Lugha"],
  "settings.passphrase": ["Change the passphrase", "Badilisha nenosiri"],
  "settings.old": ["Current passphrase", "Nenosiri la sasa"],
  "settings.new": ["New passphrase", "Nenosiri jipya"],
  "settings.new_again": ["New passphrase again", "Nenosiri jipya tena"],
  "settings.change": ["Change the passphrase", "Badilisha nenosiri"],
  "settings.changed": ["The passphrase was changed. Use the new one from now on.", "Nenosiri limebadilishwa. Tumia jipya kuanzia sasa."],
  "settings.lock": ["Locking", "Kufunga"],
  "settings.lock_after": ["Lock after this long without use", "Funga baada ya muda huu bila kutumika"],
  "settings.lock_help": [
    "Usalama also locks when the laptop goes to sleep and whenever you press Lock. An unfinished report is kept, and what waits to be sent still goes.",
    "Usalama pia hujifunga kompyuta ikilala na kila unapobonyeza Funga. Ripoti ambayo haijakamilika inahifadhiwa, na kinachosubiri kutumwa bado kinatumwa.",
  ],
  "settings.minute": ["1 minute", "Dakika 1"],
  "settings.minutes": ["{n} minutes", "Dakika {n}"],
  "settings.lock_saved": ["Saved. Usalama locks after this long without use.", "Imehifadhiwa. Usalama itajifunga baada ya muda huu bila kutumika."],
  "settings.about": ["About", "Kuhusu"],
  "settings.version": ["Version", "Toleo"],
  "settings.user": ["User", "Mtumiaji"],
  "settings.device": ["Device id", "Kitambulisho cha kifaa"],
  "settings.fingerprint": ["Device fingerprint", "Alama ya kifaa"],
  "settings.fingerprint_help": ["The county administrator may ask you to read this out to check the laptop.", "Msimamizi wa kaunti anaweza kukuomba usome hii kuthibitisha kompyuta."],
  "settings.home": ["Store folder", "Folda ya hifadhi"],
  "settings.hub": ["County hub", "Kituo cha kaunti"],

  // Updates (the About section of Settings)
  "update.title": ["Updates", "Masasisho"],
  "update.current": [
    "Usalama {v} is the newest version this laptop knows of.",
    "Usalama {v} ni toleo jipya zaidi linalojulikana kwenye kompyuta hii.",
  ],
  "update.fetching": [
    "Version {v} is coming from the county hub, a little at each sync: {p}% is here.",
    "Toleo {v} linakuja kutoka kituo cha kaunti, kidogo kila unapounganisha: asilimia {p} imefika.",
  ],
  "update.ready": [
    "Version {v} is ready. It will be installed when you next close Usalama.",
    "Toleo {v} liko tayari. Litasakinishwa utakapofunga Usalama wakati ujao.",
  ],
  "update.handed_over": [
    "Version {v} is being installed. It runs when you next open Usalama.",
    "Toleo {v} linasakinishwa. Litaanza utakapofungua Usalama tena.",
  ],
  "update.install_now": ["Install now", "Sakinisha sasa"],
  "update.go_back": ["Go back to the previous version ({v})", "Rudi kwenye toleo lililotangulia ({v})"],
  "update.went_back": [
    "Going back to version {v}. It runs when you next open Usalama.",
    "Inarudi kwenye toleo {v}. Litaanza utakapofungua Usalama tena.",
  ],
  "update.none_kept": [
    "There is no earlier version on this laptop to go back to.",
    "Hakuna toleo la awali kwenye kompyuta hii la kurudia.",
  ],
  "update.other_schema": [
    "Going back is not possible: the earlier version keeps reports in another form and could not open them. Ask the county ICT office.",
    "Haiwezekani kurudi: toleo la awali huhifadhi ripoti kwa namna nyingine na lisingeweza kuzifungua. Mwombe afisa wa TEHAMA wa kaunti akusaidie.",
  ],
  "update.no_installer": [
    "The update installer is missing on this laptop. Ask the county ICT office to install Usalama by hand.",
    "Kisakinishi cha masasisho hakipo kwenye kompyuta hii. Mwombe afisa wa TEHAMA wa kaunti asakinishe Usalama kwa mkono.",
  ],
  "update.refused": ["The installer refused the last request:", "Kisakinishi kilikataa ombi la mwisho:"],
  "update.problem.disk_full": [
    "The laptop's disk is full, so the update cannot be fetched. Delete files you no longer need.",
    "Diski ya kompyuta imejaa, kwa hiyo sasisho haliwezi kupakuliwa. Futa faili usizohitaji tena.",
  ],
  "update.problem.no_installer": [
    "The update installer is missing on this laptop. Ask the county ICT office to install Usalama by hand.",
    "Kisakinishi cha masasisho hakipo kwenye kompyuta hii. Mwombe afisa wa TEHAMA wa kaunti asakinishe Usalama kwa mkono.",
  ],
  "update.problem.damaged": [
    "The update arrived damaged twice. It is fetched again; tell the county ICT office if this goes on.",
    "Sasisho lilifika likiwa limeharibika mara mbili. Linapakuliwa tena; mwambie afisa wa TEHAMA wa kaunti hali hii ikiendelea.",
  ],
  "update.problem.install_failed": [
    "The installer could not install the update. Tell the county ICT office.",
    "Kisakinishi hakikuweza kusakinisha sasisho. Mwambie afisa wa TEHAMA wa kaunti.",
  ],
  "update.problem.no_release_key": [
    "This version of Usalama cannot check updates, so it must be updated by hand. Tell the county ICT office.",
    "Toleo hili la Usalama haliwezi kukagua masasisho, kwa hiyo lazima lisasishwe kwa mkono. Mwambie afisa wa TEHAMA wa kaunti.",
  ],

  // Summaries
  "nav.summaries": ["Summaries", "Muhtasari"],
  "summary.title": ["Summaries", "Muhtasari"],
  "summary.intro": [
    "The incidents of an area over a period, to print for a baraza or the security committee, or to save for the county's spreadsheets.",
    "Matukio ya eneo katika kipindi fulani, ya kuchapisha kwa baraza au kamati ya usalama, au kuhifadhi kwa majedwali ya kaunti.",
  ],
  "summary.options": ["What the summary covers", "Muhtasari unahusu nini"],
  "summary.unit": ["Area (with everything inside it)", "Eneo (pamoja na yote yaliyo ndani yake)"],
  "summary.period": ["Reporting period", "Kipindi cha ripoti"],
  "summary.week": ["This week", "Wiki hii"],
  "summary.month": ["This month", "Mwezi huu"],
  "summary.last_month": ["Last month", "Mwezi uliopita"],
  "summary.custom": ["Other dates", "Tarehe nyingine"],
  "summary.from": ["First day", "Siku ya kwanza"],
  "summary.to": ["Last day", "Siku ya mwisho"],
  "summary.edition": ["Edition", "Toleo"],
  "summary.public": ["Public: for the baraza", "Toleo la umma: kwa baraza"],
  "summary.public_help": [
    "No sources, no suspects' names, no exact places.",
    "Bila vyanzo, majina ya washukiwa wala mahali kamili.",
  ],
  "summary.restricted": ["Restricted: for the security committee", "Toleo la siri: kwa kamati ya usalama"],
  "summary.restricted_help": [
    "Holds sources, suspects' names and exact places: keep it safe.",
    "Lina vyanzo, majina ya washukiwa na mahali kamili: litunze salama.",
  ],
  "summary.lang": ["Language of the summary", "Lugha ya muhtasari"],
  "summary.show": ["Show the summary", "Onyesha muhtasari"],
  "summary.loading": ["Preparing the summary…", "Inaandaa muhtasari…"],
  "summary.print": ["Print", "Chapisha"],
  "summary.print_help": [
    "Opens the printer window. The edition is printed at the top of every page.",
    "Inafungua dirisha la kuchapisha. Toleo linachapishwa juu ya kila ukurasa.",
  ],
  "summary.save_title": ["Save a copy", "Hifadhi nakala"],
  "summary.pdf": ["PDF (to print or share)", "PDF (ya kuchapisha au kushiriki)"],
  "summary.csv": ["CSV (for spreadsheets)", "CSV (kwa majedwali)"],
  "summary.xlsx": ["Excel (.xlsx)", "Excel (.xlsx)"],
  "summary.save": ["Save", "Hifadhi"],
  "summary.saved": ["Saved on {place}: {files}", "Imehifadhiwa kwenye {place}: {files}"],
  "summary.bad_unit": ["Choose an area from the list.", "Chagua eneo kutoka kwenye orodha."],
  "summary.bad_dates": [
    "Choose the first and the last day; the first day must not come after the last.",
    "Chagua siku ya kwanza na ya mwisho; siku ya kwanza isiwe baada ya ya mwisho.",
  ],

  // Places to save to and read from
  "place.legend": ["Save on", "Hifadhi kwenye"],
  "place.usb": ["USB stick “{name}”", "Flash ya USB “{name}”"],
  "place.documents": ["Documents folder on this laptop", "Folda ya Documents kwenye kompyuta hii"],
  "place.no_stick": [
    "No USB stick found. Plug one in, wait a few seconds, then press “Look again”.",
    "Hakuna flash ya USB iliyopatikana. Ichomeke, subiri sekunde chache, kisha bonyeza “Tafuta tena”.",
  ],
  "place.look_again": ["Look again", "Tafuta tena"],
  "file.io": [
    "The file could not be written or read. The USB stick may be full, locked or pulled out: plug it in again and try once more.",
    "Faili haikuweza kuandikwa au kusomwa. Huenda flash ya USB imejaa, imefungwa au imetolewa: ichomeke tena ujaribu tena.",
  ],
  "file.place_gone": [
    "That place is not there any more: the USB stick may have been pulled out. Press “Look again” and choose it again.",
    "Mahali hapo hapapatikani tena: huenda flash ya USB imetolewa. Bonyeza “Tafuta tena” uchague tena.",
  ],

  // A report's slip
  "slip.print": ["Print slip", "Chapisha ripoti"],
  "slip.title": ["Slip of this report", "Nakala ya ripoti hii"],
  "slip.help": [
    "One page with the report's fields, its timeline and its ledger hash, so a printed slip can be checked against the record.",
    "Ukurasa mmoja wenye sehemu za ripoti, historia yake na alama yake ya kumbukumbu (hash), ili nakala iliyochapishwa ilinganishwe na kumbukumbu.",
  ],
  "slip.save": ["Save as PDF", "Hifadhi kama PDF"],
  "slip.saved": ["Saved on {place}: {file}", "Imehifadhiwa kwenye {place}: {file}"],
  "slip.lang": ["Language of the slip", "Lugha ya nakala"],
  "slip.back": ["Back to the report", "Rudi kwenye ripoti"],

  // Sync by USB stick (Settings)
  "usb.title": ["Send and receive by USB stick", "Tuma na pokea kwa flash ya USB"],
  "usb.intro": [
    "When there is no network for a long time, a USB stick carries the reports to the county office and brings its answers back.",
    "Mtandao ukikosekana kwa muda mrefu, flash ya USB inabeba ripoti hadi ofisi ya kaunti na kurudisha majibu yake.",
  ],
  "usb.send": ["Send by USB stick", "Tuma kwa flash ya USB"],
  "usb.send_help": [
    "Writes everything the county has not received yet into one file. Nothing is removed from this laptop.",
    "Inaandika kila kitu ambacho kaunti bado haijapokea kwenye faili moja. Hakuna kinachoondolewa kwenye kompyuta hii.",
  ],
  "usb.write": ["Write the file", "Andika faili"],
  "usb.writing": ["Writing…", "Inaandika…"],
  "usb.sent": [
    "The file {name} is on {place}. Reports waiting to send in it: {reports}; entries in all: {entries}.",
    "Faili {name} iko kwenye {place}. Ripoti zinazosubiri kutumwa ndani yake: {reports}; maingizo yote: {entries}.",
  ],
  "usb.sent_carried": [
    "Entries of other laptops carried in it for the county: {carried}.",
    "Maingizo ya kompyuta nyingine yanayobebwa ndani yake kwa ajili ya kaunti: {carried}.",
  ],
  "usb.next": [
    "Now take the stick to the county office. They will give you a file back for this laptop: then use “Receive from USB stick” below. If the stick is lost, nothing is lost: write the file again.",
    "Sasa peleka flash kwenye ofisi ya kaunti. Watakurudishia faili ya kompyuta hii: kisha tumia “Pokea kutoka flash ya USB” hapa chini. Flash ikipotea, hakuna kinachopotea: andika faili tena.",
  ],
  "usb.receive": ["Receive from USB stick", "Pokea kutoka flash ya USB"],
  "usb.receive_help": [
    "Files from the county office (names ending in .usalama) found on the USB sticks plugged in and in Documents:",
    "Faili kutoka ofisi ya kaunti (majina yanayoishia na .usalama) zilizopatikana kwenye flash za USB zilizochomekwa na kwenye Documents:",
  ],
  "usb.none_found": [
    "No such file found. Plug in the stick from the county office, wait a few seconds, then press “Look again”.",
    "Hakuna faili kama hiyo. Chomeka flash kutoka ofisi ya kaunti, subiri sekunde chache, kisha bonyeza “Tafuta tena”.",
  ],
  "usb.file_on": ["{name} on {place}, {when}", "{name} kwenye {place}, {when}"],
  "usb.mine": [
    "Written by this laptop: take it to the county office.",
    "Imeandikwa na kompyuta hii: ipeleke ofisi ya kaunti.",
  ],
  "usb.import": ["Receive the chosen file", "Pokea faili uliyochagua"],
  "usb.importing": ["Receiving…", "Inapokea…"],
  "usb.from_hub": [
    "The county office's answer was received. New entries: {received}. This laptop's entries now received by the county: {acknowledged}.",
    "Jibu la ofisi ya kaunti limepokelewa. Maingizo mapya: {received}. Maingizo ya kompyuta hii ambayo sasa yamepokelewa na kaunti: {acknowledged}.",
  ],
  "usb.from_device": [
    "This file came from another laptop for the county hub. It is sealed so that only the county hub can read it; this laptop takes it there at its next sync.",
    "Faili hii imetoka kwenye kompyuta nyingine kwa ajili ya kituo cha kaunti. Imefungwa ili kituo cha kaunti pekee kiweze kuisoma; kompyuta hii itaipeleka huko itakaposawazisha.",
  ],
  "usb.err.not_enrolled": [
    "This laptop is not connected to a county hub yet. Connect it first under “County hub” above, with the text the county office gives you.",
    "Kompyuta hii bado haijaunganishwa na kituo cha kaunti. Iunganishe kwanza kwenye “Kituo cha kaunti” hapo juu, kwa maandishi utakayopewa na ofisi ya kaunti.",
  ],
  "usb.err.integrity": [
    "This file was changed or damaged on the way, so nothing was received. Ask the county office for a new file.",
    "Faili hii ilibadilishwa au kuharibika njiani, kwa hiyo hakuna kilichopokelewa. Omba faili mpya kutoka ofisi ya kaunti.",
  ],
  "usb.err.malformed": [
    "This is not a file from Usalama, or it is damaged. Nothing was received. Ask the county office for a new file.",
    "Hii si faili ya Usalama, au imeharibika. Hakuna kilichopokelewa. Omba faili mpya kutoka ofisi ya kaunti.",
  ],
  "usb.err.invalid": [
    "This file is not for this laptop: it was made for another laptop or another county hub, or this laptop wrote it (take that one to the county office). Nothing was received.",
    "Faili hii si ya kompyuta hii: iliandaliwa kwa kompyuta nyingine au kituo kingine cha kaunti, au kompyuta hii ndiyo iliyoiandika (hiyo ipeleke ofisi ya kaunti). Hakuna kilichopokelewa.",
  ],
  "usb.err.unsupported": [
    "This file was made by a newer version of Usalama. Ask the county ICT office to update this laptop.",
    "Faili hii iliandaliwa na toleo jipya la Usalama. Omba ofisi ya TEHAMA ya kaunti isasishe kompyuta hii.",
  ],
  "usb.err.other": ["Nothing was done: {message}", "Hakuna kilichofanyika: {message}"],
  // The officer's inbox
  "nav.inbox": ["Inbox", "Ripoti mpya zilizoingia"],
  "nav.board": ["Board", "Ubao"],
  "inbox.title": ["Inbox", "Ripoti zilizoingia"],
  "inbox.help": [
    "The county's reports on this laptop: flash and urgent first, then the newest.",
    "Ripoti za kaunti zilizo kwenye kompyuta hii: za hatari sasa na za dharura kwanza, kisha za karibuni.",
  ],
  "inbox.waiting": [
    "{n} not yet acknowledged by {agency}",
    "{n} bado hazijakubaliwa na {agency}",
  ],
  "inbox.new": ["Not acknowledged by {agency}", "Haijakubaliwa na {agency}"],
  "inbox.done": ["Acknowledged by {agency}", "Imekubaliwa na {agency}"],
  "inbox.lead": ["Lead: {agency}", "Kinachoongoza: {agency}"],
  "inbox.no_lead": ["No lead yet", "Bado hakuna kinachoongoza"],
  "inbox.agency": ["Agency", "Chombo"],
  "inbox.filters": ["Filters: area, type, status, agency", "Vichujio: eneo, aina, hali, chombo"],
  "inbox.filtered": ["some are set", "baadhi vimewekwa"],
  "inbox.agency_any": ["Any agency", "Chombo chochote"],
  "inbox.relation": ["Which reports of that agency", "Ripoti zipi za chombo hicho"],
  "relation.not_acknowledged": ["Not yet acknowledged by it", "Bado hazijakubaliwa nacho"],
  "relation.acknowledged": ["Acknowledged by it", "Zilizokubaliwa nacho"],
  "relation.lead": ["It leads", "Kinaongoza"],
  "relation.supporting": ["It supports", "Kinasaidia"],
  "inbox.none": ["No report matches.", "Hakuna ripoti inayolingana."],
  "inbox.open": ["Open report {id}", "Fungua ripoti {id}"],
  "short.flash": ["FLASH", "HATARI SASA"],
  "short.urgent": ["URGENT", "DHARURA"],
  "short.routine": ["Routine", "Kawaida"],

  // The board of open incidents
  "board.title": ["Board of open incidents", "Ubao wa matukio yanayoendelea"],
  "board.help": [
    "Every report not yet closed, with its lead agency, status and age: every agency sees the same picture. Reports of the same incident are shown together.",
    "Kila ripoti ambayo haijafungwa, pamoja na chombo kinachoongoza, hali na umri wake: kila chombo kinaona picha moja. Ripoti za tukio moja zinaonyeshwa pamoja.",
  ],
  "board.incident": ["Incident", "Tukio"],
  "board.lead": ["Lead agency", "Chombo kinachoongoza"],
  "board.age": ["Age", "Umri"],
  "board.none": ["No open incident.", "Hakuna tukio linaloendelea."],
  "board.same": ["Same incident: report {id}", "Tukio hilo hilo: ripoti {id}"],
  "board.count": ["{n} open incidents", "Matukio {n} yanayoendelea"],
  "board.count_one": ["1 open incident", "Tukio 1 linaloendelea"],
  "age.minutes": ["{n} minutes", "dakika {n}"],
  "age.hour_one": ["1 hour", "saa 1"],
  "age.hours": ["{n} hours", "saa {n}"],
  "age.day_one": ["1 day", "siku 1"],
  "age.days": ["{n} days", "siku {n}"],

  // Acting on a report
  "act.title": ["Response of {agency}", "Hatua za {agency}"],
  "act.none": [
    "Your agency has no step to take on this report now.",
    "Chombo chako hakina hatua ya kuchukua kwenye ripoti hii sasa.",
  ],
  "act.choose": ["Choose a step", "Chagua hatua"],
  "act.acknowledge": ["Acknowledge", "Kubali kupokea"],
  "act.assign": ["Name the lead", "Teua kinachoongoza"],
  "act.update": ["Post an update", "Toa taarifa"],
  "act.close": ["Close", "Funga"],
  "act.reopen": ["Reopen", "Fungua tena"],
  "act.link": ["Link to another report", "Unganisha na ripoti nyingine"],
  "act.acknowledge_help": [
    "Tells the county and the chief that {agency} has seen this report.",
    "Inaiambia kaunti na chifu kwamba {agency} kimeiona ripoti hii.",
  ],
  "act.acknowledge_do": ["Acknowledge for {agency}", "Kubali kwa niaba ya {agency}"],
  "act.lead": ["Lead agency", "Chombo kinachoongoza"],
  "act.choose_lead": ["Choose the lead agency", "Chagua chombo kinachoongoza"],
  "act.support": ["Supporting agencies", "Vyombo vinavyosaidia"],
  "act.assign_do": ["Name the lead", "Teua kinachoongoza"],
  "act.note": ["Note", "Maelezo"],
  "act.note_help": ["What was done or decided, in a few words.", "Kilichofanyika au kuamuliwa, kwa maneno machache."],
  "act.responding": [
    "Teams or resources are committed (status: Responding)",
    "Vikosi au rasilimali zimetumwa (hali: Hatua zinachukuliwa)",
  ],
  "act.update_do": ["Post the update", "Tuma taarifa"],
  "act.outcome": ["Outcome", "Matokeo"],
  "act.arrests": ["Arrests", "Waliokamatwa"],
  "act.recovered": ["Livestock recovered", "Mifugo iliyorejeshwa"],
  "act.figures_help": ["Leave empty if none.", "Acha tupu kama hakuna."],
  "act.close_do": ["Close the report", "Funga ripoti"],
  "act.reopen_do": ["Reopen the report", "Fungua ripoti tena"],
  "act.search": ["Find the other report", "Tafuta ripoti nyingine"],
  "act.search_do": ["Search", "Tafuta"],
  "act.pick": ["The report of the same incident", "Ripoti ya tukio hilo hilo"],
  "act.no_match": ["No other report matches.", "Hakuna ripoti nyingine inayolingana."],
  "act.link_do": ["Link as the same incident", "Unganisha kama tukio moja"],
  "act.saving": ["Recording…", "Inarekodi…"],
  "act.done.acknowledge": [
    "Recorded: acknowledged for {agency}. It goes to the county and the chief at the next sync.",
    "Imerekodiwa: imekubaliwa kwa niaba ya {agency}. Itaenda kaunti na kwa chifu wakati wa kusawazisha.",
  ],
  "act.done.assign": [
    "Recorded: {lead} leads. It goes to the county at the next sync.",
    "Imerekodiwa: {lead} kinaongoza. Itaenda kaunti wakati wa kusawazisha.",
  ],
  "act.done.update": [
    "Recorded: your update. It goes to the county and the chief at the next sync.",
    "Imerekodiwa: taarifa yako. Itaenda kaunti na kwa chifu wakati wa kusawazisha.",
  ],
  "act.done.close": [
    "Recorded: closed ({outcome}). It goes to the county and the chief at the next sync.",
    "Imerekodiwa: imefungwa ({outcome}). Itaenda kaunti na kwa chifu wakati wa kusawazisha.",
  ],
  "act.done.reopen": [
    "Recorded: the report is open again.",
    "Imerekodiwa: ripoti iko wazi tena.",
  ],
  "act.done.link": [
    "Recorded: same incident as report {id}.",
    "Imerekodiwa: tukio moja na ripoti {id}.",
  ],
  "act.err.required": ["This field is required.", "Sehemu hii inahitajika."],
  "act.err.count": ["Must be a whole number, 0 or more.", "Lazima iwe namba kamili, 0 au zaidi."],
  "act.err.not_allowed": [
    "Your agency may not take this step on this report now. Nothing was recorded.",
    "Chombo chako hakiruhusiwi kuchukua hatua hii kwenye ripoti hii sasa. Hakuna kilichorekodiwa.",
  ],
  "act.err.invalid": [
    "Nothing was recorded: check the fields of the form.",
    "Hakuna kilichorekodiwa: angalia sehemu za fomu.",
  ],
  "act.err.not_found": [
    "That report is not in this laptop's store. Nothing was recorded.",
    "Ripoti hiyo haimo kwenye hifadhi ya kompyuta hii. Hakuna kilichorekodiwa.",
  ],
  "act.err.other": ["Nothing was recorded: {message}", "Hakuna kilichorekodiwa: {message}"],
  // Early warning: the warnings panel, its acknowledgement, and the signs a report names
  "warn.title": ["Warnings", "Tahadhari"],
  "warn.help": [
    "Early warnings raised by the reports on this laptop, newest first.",
    "Tahadhari za mapema zilizotokana na ripoti zilizo kwenye kompyuta hii, za karibuni kwanza.",
  ],
  "warn.none": ["No warnings.", "Hakuna tahadhari."],
  "warn.open_count": ["{n} not acknowledged", "{n} hazijathibitishwa"],
  "warn.killed": ["{n} killed", "Waliouawa: {n}"],
  "warn.killing": ["People killed (number not known)", "Watu wameuawa (idadi haijulikani)"],
  "warn.abducted": ["{n} abducted", "Waliotekwa nyara: {n}"],
  "warn.abduction": ["People abducted (number not known)", "Watu wametekwa nyara (idadi haijulikani)"],
  "warn.stolen": ["{n} head stolen", "Mifugo {n} imeibwa"],
  "warn.provocative": ["Provocative sign: {signs}", "Ishara ya uchokozi: {signs}"],
  "warn.repeat_raid": ["Second raid in {n} days", "Uvamizi wa pili ndani ya siku {n}"],
  "warn.repeat_raid_same_day": ["Second raid on the same day", "Uvamizi wa pili siku hiyo hiyo"],
  "warn.rising": [
    "Early-warning signs rising {n} weeks running",
    "Ishara za tahadhari ya mapema zinaongezeka wiki {n} mfululizo",
  ],
  "warn.trend": [
    "Unusually many incidents for the season ({count}, about {expected} expected)",
    "Matukio mengi isivyo kawaida kwa msimu huu ({count}, yaliyotarajiwa ni takriban {expected})",
  ],
  "warn.trend_no_history": [
    "Unusually many incidents for the season ({count}, about {expected} expected; no earlier year to compare)",
    "Matukio mengi isivyo kawaida kwa msimu huu ({count}, yaliyotarajiwa ni takriban {expected}; hakuna mwaka wa awali wa kulinganisha)",
  ],
  "warn.trend_one_year": [
    "Unusually many incidents for the season ({count}, about {expected} expected; only 1 earlier year to compare)",
    "Matukio mengi isivyo kawaida kwa msimu huu ({count}, yaliyotarajiwa ni takriban {expected}; mwaka 1 tu wa awali wa kulinganisha)",
  ],
  "warn.border": ["Along the border: {what}", "Kando ya mpaka: {what}"],
  "warn.overdue": ["Not acknowledged for more than a day", "Haijathibitishwa kwa zaidi ya siku moja"],
  "warn.not_acknowledged": ["Not acknowledged", "Haijathibitishwa"],
  "warn.acknowledged_by": ["Acknowledged by {name} ({agency}), {when}", "Imethibitishwa na {name} ({agency}), {when}"],
  "warn.followed": [
    "Incidents in the area within 14 days after it: {n}",
    "Matukio katika eneo hilo ndani ya siku 14 baadaye: {n}",
  ],
  "warn.acknowledge": ["Acknowledge", "Thibitisha"],
  "warn.acknowledge_label": ["Acknowledge the warning: {what}", "Thibitisha tahadhari: {what}"],
  "warn.dialog_title": ["Acknowledge the warning", "Thibitisha tahadhari"],
  "warn.note": ["What was done?", "Hatua gani ilichukuliwa?"],
  "warn.note_help": [
    "For example: a patrol was sent, the elders were called to a peace meeting.",
    "Kwa mfano: doria ilitumwa, wazee waliitwa kwenye mkutano wa amani.",
  ],
  "warn.save": ["Save", "Hifadhi"],
  "warn.saving": ["Saving…", "Inahifadhi…"],
  "warn.saved": [
    "Recorded: the warning is acknowledged. It goes to the county and the chief at the next sync.",
    "Imerekodiwa: tahadhari imethibitishwa. Itaenda kaunti na kwa chifu wakati wa kusawazisha.",
  ],
  "warn.not_allowed": [
    "Only an agency's officer acknowledges a warning. Nothing was recorded.",
    "Ni afisa wa chombo pekee anayethibitisha tahadhari. Hakuna kilichorekodiwa.",
  ],
  "warn.show_all": ["Show all {n} warnings", "Onyesha tahadhari zote {n}"],
  "warn.show_fewer": ["Show only the newest", "Onyesha za karibuni tu"],
  "warn.silent": ["No reports from {area} since {day}", "Hakuna ripoti kutoka {area} tangu {day}"],
  "warn.silent_title": ["Areas gone quiet", "Maeneo yaliyonyamaza"],
  "form.indicators": ["Signs seen", "Ishara zilizoonekana"],
  "form.indicators_help": [
    "Tick every sign that was seen or heard of.",
    "Weka alama kwenye kila ishara iliyoonekana au kusikika.",
  ],
  // A flash alert by SMS
  "sms.title": ["Flash alert by SMS", "Tahadhari ya haraka kwa SMS"],
  "sms.help": [
    "Where there is phone network but no internet, send this report's essentials to the county hub by SMS from your own phone. The full report follows when this laptop next connects.",
    "Pale penye mtandao wa simu lakini hakuna intaneti, tuma mambo muhimu ya ripoti hii kwa kituo cha kaunti kwa SMS kutoka simu yako. Ripoti kamili itafuata kompyuta hii itakapounganishwa tena.",
  ],
  "sms.make": ["Send a flash alert by SMS", "Tuma tahadhari ya haraka kwa SMS"],
  "sms.qr_label": ["QR code: an SMS to the county hub ({number}) with the alert", "Msimbo wa QR: SMS kwa kituo cha kaunti ({number}) yenye tahadhari"],
  "sms.scan": [
    "Point your phone's camera at this code: it opens a message to the county hub ({number}) with the alert written in. Press Send.",
    "Elekeza kamera ya simu yako kwenye msimbo huu: inafungua ujumbe kwa kituo cha kaunti ({number}) wenye tahadhari. Bonyeza Tuma.",
  ],
  "sms.no_number": [
    "The county hub has not given an SMS number yet: ask the county ICT office for it.",
    "Kituo cha kaunti bado hakijatoa namba ya SMS: uliza ofisi ya TEHAMA ya kaunti.",
  ],
  "sms.type_to": [
    "Or type this message on any phone, exactly as it is, and send it to {number}:",
    "Au andika ujumbe huu kwenye simu yoyote, kama ulivyo, na uutume kwa {number}:",
  ],
  "sms.type": ["Type this message on any phone, exactly as it is:", "Andika ujumbe huu kwenye simu yoyote, kama ulivyo:"],
  "sms.short_help": [
    "On a phone where that is slow to type, send this short form instead (it leaves out the note and the position; capital or small letters both work):",
    "Kwenye simu ambayo ni vigumu kuandika hivyo, tuma fomu hii fupi badala yake (haina maelezo wala mahali; herufi kubwa au ndogo zote zinafaa):",
  ],
  "sms.no_short": [
    "There is no short form for this alert: a number in it is too large to type by hand (over 8,189). Send the message above.",
    "Tahadhari hii haina fomu fupi: kuna namba ndani yake kubwa mno kuandikwa kwa mkono (zaidi ya 8,189). Tuma ujumbe ulio hapo juu.",
  ],
  "sms.once": [
    "Sending it more than once changes nothing: the county counts this incident once, and links it to the full report.",
    "Kuituma zaidi ya mara moja hakubadilishi kitu: kaunti inahesabu tukio hili mara moja, na kulihusisha na ripoti kamili.",
  ],
  "report.event.warning_acknowledged": ["Warning acknowledged: {note}", "Tahadhari imethibitishwa: {note}"],
} as const satisfies Record<string, readonly [string, string]>;

export type Key = keyof typeof screens | VocabularyKey;

export const strings: Record<Key, readonly [string, string]> = { ...vocabularyStrings(), ...screens };
