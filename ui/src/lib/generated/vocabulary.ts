// Generated from the Rust types by usalama-desktop's ipc_types test: do not edit.
// Regenerate with `make ipc-types` (or USALAMA_WRITE_IPC_TYPES=1 cargo test -p usalama-desktop ipc_types).
// The closed vocabularies and their labels, in the order forms show them (usalama-protocol's data/vocabulary.json).
export const VOCABULARY = {
  "incident_type": [
    {
      "key": "livestock_raid",
      "en": "Livestock raid",
      "sw": "Uvamizi wa mifugo"
    },
    {
      "key": "livestock_theft",
      "en": "Livestock theft",
      "sw": "Wizi wa mifugo"
    },
    {
      "key": "armed_clash",
      "en": "Armed clash",
      "sw": "Mapigano ya silaha"
    },
    {
      "key": "killing",
      "en": "Killing",
      "sw": "Mauaji"
    },
    {
      "key": "assault_injury",
      "en": "Assault or injury",
      "sw": "Shambulio au majeraha"
    },
    {
      "key": "abduction",
      "en": "Abduction",
      "sw": "Utekaji nyara"
    },
    {
      "key": "road_ambush",
      "en": "Road ambush",
      "sw": "Shambulizi la kuvizia barabarani"
    },
    {
      "key": "attack_on_security_forces",
      "en": "Attack on security forces",
      "sw": "Shambulizi dhidi ya askari"
    },
    {
      "key": "firearm",
      "en": "Illegal firearm",
      "sw": "Bunduki haramu"
    },
    {
      "key": "property_destruction",
      "en": "Property destroyed",
      "sw": "Uharibifu wa mali"
    },
    {
      "key": "displacement",
      "en": "Displacement",
      "sw": "Watu kuhama makwao"
    },
    {
      "key": "protest",
      "en": "Protest / demonstration",
      "sw": "Maandamano"
    },
    {
      "key": "arrest",
      "en": "Arrest",
      "sw": "Kukamatwa"
    },
    {
      "key": "livestock_recovered",
      "en": "Livestock recovered",
      "sw": "Mifugo iliyorejeshwa"
    },
    {
      "key": "peace_meeting",
      "en": "Peace meeting",
      "sw": "Mkutano wa amani"
    },
    {
      "key": "early_warning",
      "en": "Early warning sign",
      "sw": "Ishara ya tahadhari ya mapema"
    },
    {
      "key": "other",
      "en": "Other",
      "sw": "Nyingine"
    }
  ],
  "urgency": [
    {
      "key": "flash",
      "en": "Flash",
      "sw": "Hatari sasa"
    },
    {
      "key": "urgent",
      "en": "Urgent",
      "sw": "Dharura"
    },
    {
      "key": "routine",
      "en": "Routine",
      "sw": "Kawaida"
    }
  ],
  "species": [
    {
      "key": "cattle",
      "en": "cattle",
      "sw": "ng'ombe"
    },
    {
      "key": "goats",
      "en": "goats",
      "sw": "mbuzi"
    },
    {
      "key": "sheep",
      "en": "sheep",
      "sw": "kondoo"
    },
    {
      "key": "camels",
      "en": "camels",
      "sw": "ngamia"
    },
    {
      "key": "donkeys",
      "en": "donkeys",
      "sw": "punda"
    }
  ],
  "agency": [
    {
      "key": "nps",
      "en": "Police (NPS)",
      "sw": "Polisi (NPS)",
      "short": "NPS"
    },
    {
      "key": "npr",
      "en": "Police reservists (NPR)",
      "sw": "Polisi wa akiba (NPR)",
      "short": "NPR"
    },
    {
      "key": "kdf",
      "en": "Kenya Defence Forces (KDF)",
      "sw": "Jeshi la Ulinzi la Kenya (KDF)",
      "short": "KDF"
    },
    {
      "key": "nis",
      "en": "National Intelligence Service (NIS)",
      "sw": "Idara ya Kitaifa ya Ujasusi (NIS)",
      "short": "NIS"
    },
    {
      "key": "ngao",
      "en": "Administration (NGAO)",
      "sw": "Utawala wa serikali (NGAO)",
      "short": "NGAO"
    },
    {
      "key": "cso",
      "en": "Civil society / NGOs",
      "sw": "Mashirika ya kiraia",
      "short": "CSO"
    }
  ],
  "source_kind": [
    {
      "key": "witness",
      "en": "Witness",
      "sw": "Shahidi"
    },
    {
      "key": "victim",
      "en": "Victim",
      "sw": "Mwathiriwa"
    },
    {
      "key": "informant",
      "en": "Informant",
      "sw": "Mpasha habari"
    },
    {
      "key": "security_personnel",
      "en": "Security personnel",
      "sw": "Askari wa usalama"
    },
    {
      "key": "community_leader",
      "en": "Community leader",
      "sw": "Kiongozi wa jamii"
    },
    {
      "key": "other",
      "en": "Other",
      "sw": "Nyingine"
    }
  ],
  "status": [
    {
      "key": "pending",
      "en": "Waiting to send",
      "sw": "Inasubiri kutumwa"
    },
    {
      "key": "received",
      "en": "Received by the county",
      "sw": "Imepokelewa na kaunti"
    },
    {
      "key": "acknowledged",
      "en": "Acknowledged",
      "sw": "Imekubaliwa"
    },
    {
      "key": "responding",
      "en": "Responding",
      "sw": "Hatua zinachukuliwa"
    },
    {
      "key": "closed",
      "en": "Closed",
      "sw": "Imefungwa"
    }
  ],
  "outcome": [
    {
      "key": "resolved",
      "en": "Resolved",
      "sw": "Imetatuliwa"
    },
    {
      "key": "false_alarm",
      "en": "False alarm",
      "sw": "Tahadhari isiyo ya kweli"
    },
    {
      "key": "duplicate",
      "en": "Duplicate of another report",
      "sw": "Imerudiwa na ripoti nyingine"
    },
    {
      "key": "no_action_possible",
      "en": "No action possible",
      "sw": "Hakuna hatua inayowezekana"
    }
  ],
  "role": [
    {
      "key": "chief",
      "en": "Chief",
      "sw": "Chifu"
    },
    {
      "key": "assistant_chief",
      "en": "Assistant chief",
      "sw": "Chifu msaidizi"
    },
    {
      "key": "elder",
      "en": "Village elder",
      "sw": "Mzee wa kijiji"
    },
    {
      "key": "officer",
      "en": "Officer",
      "sw": "Afisa"
    },
    {
      "key": "admin",
      "en": "County ICT administrator",
      "sw": "Msimamizi wa TEHAMA wa kaunti"
    },
    {
      "key": "hub",
      "en": "County hub",
      "sw": "Kituo cha kaunti"
    }
  ],
  "unit_kind": [
    {
      "key": "county",
      "en": "County",
      "sw": "Kaunti"
    },
    {
      "key": "constituency",
      "en": "Constituency",
      "sw": "Eneo bunge"
    },
    {
      "key": "ward",
      "en": "Ward",
      "sw": "Wadi"
    },
    {
      "key": "sub_county",
      "en": "Sub-county",
      "sw": "Kaunti ndogo"
    },
    {
      "key": "division",
      "en": "Division",
      "sw": "Tarafa"
    },
    {
      "key": "location",
      "en": "Location",
      "sw": "Lokesheni"
    },
    {
      "key": "sub_location",
      "en": "Sub-location",
      "sw": "Lokesheni ndogo"
    },
    {
      "key": "village",
      "en": "Village",
      "sw": "Kijiji"
    }
  ],
  "resource": [
    {
      "key": "personnel",
      "en": "personnel",
      "sw": "askari na wafanyakazi"
    },
    {
      "key": "vehicles",
      "en": "vehicles",
      "sw": "magari"
    },
    {
      "key": "fuel",
      "en": "fuel",
      "sw": "mafuta"
    },
    {
      "key": "radios",
      "en": "radios and communications",
      "sw": "redio na mawasiliano"
    },
    {
      "key": "arms_ammunition",
      "en": "arms and ammunition",
      "sw": "silaha na risasi"
    },
    {
      "key": "medical",
      "en": "medical supplies",
      "sw": "vifaa vya matibabu"
    },
    {
      "key": "food_water",
      "en": "food and water",
      "sw": "chakula na maji"
    },
    {
      "key": "other",
      "en": "other",
      "sw": "mengineyo"
    }
  ],
  "indicator_family": [
    {
      "key": "provocative",
      "en": "Provocative signs (often just before a raid)",
      "sw": "Ishara za uchokozi (mara nyingi kabla ya uvamizi)"
    },
    {
      "key": "armed_intervention",
      "en": "Armed intervention",
      "sw": "Kuingilia kwa silaha"
    },
    {
      "key": "aggravating",
      "en": "Signs that make things worse",
      "sw": "Ishara zinazozidisha hali"
    },
    {
      "key": "environmental",
      "en": "Pressure from the environment",
      "sw": "Shinikizo la mazingira"
    },
    {
      "key": "peace",
      "en": "Signs of peace",
      "sw": "Ishara za amani"
    }
  ],
  "indicator": [
    {
      "key": "war_songs",
      "family": "provocative",
      "en": "War songs",
      "sw": "Nyimbo za vita"
    },
    {
      "key": "strangers_scouting",
      "family": "provocative",
      "en": "Strangers scouting (spies)",
      "sw": "Wageni wanaopeleleza (majasusi)"
    },
    {
      "key": "pre_raid_blessing",
      "family": "provocative",
      "en": "Pre-raid blessing",
      "sw": "Baraka kabla ya uvamizi"
    },
    {
      "key": "all_male_migration",
      "family": "provocative",
      "en": "Men moving without women and children",
      "sw": "Wanaume wanahama bila wanawake na watoto"
    },
    {
      "key": "arms_movement",
      "family": "provocative",
      "en": "Arms or ammunition moving",
      "sw": "Usafirishaji wa silaha au risasi"
    },
    {
      "key": "herds_massing_at_border",
      "family": "provocative",
      "en": "Herds and kraals building up near a border",
      "sw": "Mifugo na mazizi yanaongezeka karibu na mpaka"
    },
    {
      "key": "traditional_forecasting",
      "family": "provocative",
      "en": "Traditional forecasting (seers)",
      "sw": "Utabiri wa jadi (waonaji)"
    },
    {
      "key": "armed_support",
      "family": "armed_intervention",
      "en": "Armed support from inside or outside",
      "sw": "Msaada wa silaha kutoka ndani au nje"
    },
    {
      "key": "pastoral_migration",
      "family": "aggravating",
      "en": "Herders migrating",
      "sw": "Kuhama kwa wafugaji"
    },
    {
      "key": "displaced_influx",
      "family": "aggravating",
      "en": "Displaced people arriving",
      "sw": "Watu waliohamishwa makwao wanawasili"
    },
    {
      "key": "security_escorts",
      "family": "aggravating",
      "en": "Herds or travellers needing security escorts",
      "sw": "Mifugo au wasafiri wanahitaji ulinzi wa askari"
    },
    {
      "key": "small_arms_available",
      "family": "aggravating",
      "en": "Guns easy to get",
      "sw": "Bunduki zinapatikana kwa urahisi"
    },
    {
      "key": "bullets_as_currency",
      "family": "aggravating",
      "en": "Bullets used as money",
      "sw": "Risasi zinatumika kama pesa"
    },
    {
      "key": "protest",
      "family": "aggravating",
      "en": "Protest",
      "sw": "Maandamano"
    },
    {
      "key": "groups_separating",
      "family": "aggravating",
      "en": "Groups separating",
      "sw": "Makundi yanatengana"
    },
    {
      "key": "pupils_missing_school",
      "family": "aggravating",
      "en": "Pupils missing school",
      "sw": "Wanafunzi hawaendi shuleni"
    },
    {
      "key": "livestock_prices_falling",
      "family": "aggravating",
      "en": "Livestock prices falling",
      "sw": "Bei ya mifugo inashuka"
    },
    {
      "key": "post_raid_blessing",
      "family": "aggravating",
      "en": "Post-raid blessing",
      "sw": "Baraka baada ya uvamizi"
    },
    {
      "key": "livestock_sales_rising",
      "family": "aggravating",
      "en": "Livestock sales and prices rising",
      "sw": "Mauzo na bei ya mifugo yanapanda"
    },
    {
      "key": "negative_media",
      "family": "aggravating",
      "en": "Hostile talk in the media",
      "sw": "Matamshi ya uchochezi kwenye vyombo vya habari"
    },
    {
      "key": "harmful_policy",
      "family": "aggravating",
      "en": "Harmful migration or livestock policy",
      "sw": "Sera inayodhuru ya uhamaji au mifugo"
    },
    {
      "key": "drought",
      "family": "environmental",
      "en": "Drought or other disaster",
      "sw": "Ukame au maafa mengine"
    },
    {
      "key": "resource_competition",
      "family": "environmental",
      "en": "Competition for land, grazing or water",
      "sw": "Ushindani wa ardhi, malisho au maji"
    },
    {
      "key": "livestock_crowding",
      "family": "environmental",
      "en": "Livestock crowded into safe areas",
      "sw": "Mifugo imesongamana maeneo salama"
    },
    {
      "key": "grazing_abandoned",
      "family": "environmental",
      "en": "Grazing areas abandoned",
      "sw": "Maeneo ya malisho yameachwa"
    },
    {
      "key": "livestock_disease",
      "family": "environmental",
      "en": "Livestock disease",
      "sw": "Magonjwa ya mifugo"
    },
    {
      "key": "peace_initiative",
      "family": "peace",
      "en": "Peace initiative (women messengers, weapons reduction, local or NGO)",
      "sw": "Juhudi za amani (wajumbe wanawake, kupunguza silaha, za jamii au mashirika)"
    },
    {
      "key": "alliance",
      "family": "peace",
      "en": "Alliance between groups",
      "sw": "Muungano kati ya makundi"
    },
    {
      "key": "intergroup_celebration",
      "family": "peace",
      "en": "Celebrations, sharing or marriage between groups",
      "sw": "Sherehe, kugawana au ndoa kati ya makundi"
    },
    {
      "key": "cross_border_trade",
      "family": "peace",
      "en": "Cross-border trade",
      "sw": "Biashara ya kuvuka mpaka"
    },
    {
      "key": "arms_handed_in",
      "family": "peace",
      "en": "Guns disclosed or handed in",
      "sw": "Bunduki zimesalimishwa"
    },
    {
      "key": "markets_open",
      "family": "peace",
      "en": "Markets staying open",
      "sw": "Masoko yanabaki wazi"
    },
    {
      "key": "relief_distributed",
      "family": "peace",
      "en": "Relief distributed",
      "sw": "Misaada imegawiwa"
    },
    {
      "key": "law_enforced",
      "family": "peace",
      "en": "Law enforced",
      "sw": "Sheria inatekelezwa"
    },
    {
      "key": "bride_price_stable",
      "family": "peace",
      "en": "Bride price stable",
      "sw": "Mahari ni thabiti"
    }
  ]
} as const;
