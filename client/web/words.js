// words.js: the game's vocabulary in the 1934 voice, one place for every
// name the screens and the log show for an enum of the wire.

export const ROLE = {
  loyalist: "Loyalist",
  investigator: "NKVD Investigator",
  plotter: "Plotter",
  kirov: "Kirov",
  koba: "Koba",
  nikolaev: "Nikolaev",
  bukharin: "Bukharin",
  zinoviev: "Zinoviev",
  tukhachevsky: "Tukhachevsky",
  yagoda: "Yagoda",
};

export const ROLE_BRIEF = {
  loyalist: "You stand with Stalin. Find Kirov's bloc among the delegates and purge Kirov before the Final Ballot, or strike his name in it.",
  investigator: "You stand with Stalin, and the NKVD answers to you. Each night, name one delegate and learn in secret which camp they serve.",
  plotter: "You are of Kirov's bloc. Keep Kirov hidden, sow suspicion among the Loyalists, and write the anonymous letter at night.",
  kirov: "You are Kirov. The senior delegates want you in Stalin's place. Survive the purges and the Final Ballot, and the Congress is yours.",
  koba: "You are Koba: Stalin himself, incognito among the delegates. You know Kirov's men, but not Kirov: you cannot believe Sergei would betray you. Guide the Congress without being recognised: if the bloc loses, its gunman gets one shot, at you.",
  nikolaev: "You are Nikolaev, the bloc's gunman. Play as a Plotter; if the Loyalists win, you fire the Last Shot. Watch who steers the Congress as if they knew: name Koba, and the bloc wins.",
  bukharin: "You are Bukharin, of the Right Deviation. You stand with Stalin, but the NKVD reports you as a Plotter. Make the Congress believe you over the report.",
  zinoviev: "You are Zinoviev, the double-dealer of Kirov's bloc. The NKVD reports you as a Loyalist: use it.",
  tukhachevsky: "You are Marshal Tukhachevsky, a Loyalist. The Red Army stands behind you: a purge vote against you needs twice as many Purge as Spare votes. The first time it saves you, the Congress learns who you are.",
  yagoda: "You are Yagoda, the NKVD's own chief, in Kirov's bloc. Once a game, at night, you may falsify the Investigator's report: it will say the opposite camp. At dawn you learn whom it named.",
};

// ROLE_MEANING is what each Congress role adds, in a line, for the host
// who turns it on and the delegates who read the lobby.
export const ROLE_MEANING = {
  koba: "Stalin incognito, a Loyalist. Knows the bloc but Kirov, and must steer the Congress without being recognised.",
  nikolaev: "The bloc's gunman. If the Loyalists win, he has one Last Shot: naming Koba wins for the bloc.",
  bukharin: "A Loyalist whom the NKVD reports as a Plotter, and who knows it.",
  zinoviev: "A Plotter whom the NKVD reports as a Loyalist.",
  tukhachevsky: "The Marshal, a Loyalist. A purge of him needs twice as many Purge as Spare votes; the first save tells his seat.",
  yagoda: "The NKVD's chief, in the bloc. Once a game he may falsify a night's report to the opposite camp.",
};

export const FACTION = { loyalists: "Stalin's Loyalists", plotters: "Kirov's Plotters" };
export const FACTION_ONE = { loyalists: "a Loyalist", plotters: "a Plotter" };

export const PHASE = {
  debate: "The Debate",
  accusation: "The Accusation",
  defence: "The Defence",
  vote: "The Purge Vote",
  confession: "The Confession",
  night: "Night",
  final_ballot: "The Final Ballot",
  last_shot: "The Last Shot",
  over: "The Congress has closed",
};

export const PHASE_HINT = {
  debate: "Speak, denounce, and press Ready when you have heard enough.",
  accusation: "A tie at the top: the Chair names the Accused.",
  defence: "The Accused has the floor for a last word.",
  vote: "Every living delegate but the Accused votes: Purge or Spare.",
  confession: "The purged delegate may name one comrade before leaving.",
  night: "Moscow sleeps. Letters are written; the NKVD works.",
  final_ballot: "Elect the Central Committee: each delegate strikes one name.",
  last_shot: "Kirov's bloc stands exposed. Nikolaev has one shot: if he names Koba, the bloc wins.",
  over: "Every file is open.",
};

export const CHANNEL = {
  public: "Congress floor",
  plotters: "Kirov's bloc",
  purged: "The purged",
  spectators: "Gallery",
};

export const REASON = {
  kirov_purged: "Kirov has been purged. Stalin's Loyalists hold the Congress.",
  parity: "Kirov's bloc now matches the Loyalists seat for seat and controls the Congress.",
  kirov_struck: "Kirov's name was struck from the Central Committee. Stalin's Loyalists win.",
  kirov_elected: "The Central Committee elects Kirov General Secretary in Stalin's place. The Plotters win.",
  koba_shot: "A shot in the Smolny corridor: Nikolaev found Koba. The Plotters win.",
};

// ACT is what the moves without a prompt of their own on the floor are
// called: the prompt over them, a button's words (or, aimed at a seat,
// the verb on each seat), and what "your move" says of them.
export const ACT = {
  falsify: { prompt: "Falsify tonight's NKVD report: it will say the opposite of the truth. Once a game.", button: "Falsify the report", turn: "falsify the report, or not" },
  shoot: { prompt: "The bloc stands exposed. Name the delegate you take for Koba: one shot.", verb: "Shoot", turn: "name Koba" },
};

export const SOURCE = { delegate: "denounced", letter: "anonymous letter", confession: "named in a confession" };
