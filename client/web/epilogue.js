// epilogue.js: what history follows from each way the Congress ends. The
// game asks "what if Kirov had taken Stalin's place?"; each ending answers
// it in its own way and names the real people whose fates it changes.
// "{kirov}" is the delegate who held Kirov's file. With the Congress
// roles in play, fates tells what became of each in this history.

const TOLL = "The Congress of Victors becomes the Congress of the Executed: of its 1,966 delegates, 1,108 will be arrested; of the 139 it elects to the Central Committee, 98 will be shot.";

export const EPILOGUE = {
  kirov_purged: [
    "The Congress votes, and the man the senior delegates whispered about leaves the hall without his Party card. {kirov} held Kirov's file; nobody will now ask who could take Stalin's place.",
    "History runs as it ran, only sooner. Sergei Kirov never goes back to Leningrad to be shot in a Smolny corridor on 1 December 1934: he is tried in the spring, and his trial is the model for the next. Zinoviev and Kamenev are named his accomplices in 1936, Bukharin in 1938.",
    TOLL,
  ],
  kirov_struck: [
    "The tellers count through the night. Kirov's name is crossed out more than any other and Stalin's list goes through; whatever else the ballots said, the Secretariat announces unanimity.",
    "This is the ending history knows. Kirov returns to Leningrad applauded, and on 1 December 1934 Leonid Nikolaev shoots him in the Smolny. The decree signed that night opens the way to the Terror.",
    TOLL,
  ],
  kirov_elected: [
    "The tellers count, and Stalin's name is struck more often than Kirov's. The Central Committee elects Sergei Kirov General Secretary; Stalin keeps a seat on the Politburo and is sent to rest in Sochi.",
    "What if Kirov had taken Stalin's place? Here is the answer: no shot in the Smolny on 1 December 1934, no decree that night. Ordzhonikidze keeps Heavy Industry and lives past 1937; Bukharin goes on editing Izvestia; Zinoviev and Kamenev are never brought to trial.",
    "Of the 1,966 delegates who came to Moscow in February, the 1,108 whom history arrested go home to their districts. Yezhov stays a clerk of the Control Commission, and his name never becomes a word for an era.",
  ],
  koba_shot: [
    "The Loyalists had the Congress won. Then, in a Smolny corridor, the bloc's gunman stepped out of the shadows and fired once: the delegate he named was Koba, Stalin himself, come to the Congress incognito.",
    "History turns on that shot. The decree of 1 December 1934 is never signed; the Politburo, leaderless, calls Kirov back from Leningrad, and the Terror that was to follow has nobody to command it.",
    "Of the 1,966 delegates who came to Moscow in February, the 1,108 whom history arrested go home to their districts.",
  ],
  parity: [
    "Kirov's bloc now holds half the hall, and no purge can pass against it. The resolutions are written by Leningrad men, and {kirov}'s bloc carries Kirov to the Secretariat by acclamation.",
    "What if Kirov had taken Stalin's place? Not by a ballot here, but by a majority that cannot be purged. Stalin loses the Secretariat and keeps his portrait; the new NKVD of July 1934 is handed to a Kirov man instead of Yagoda.",
    "No shot in the Smolny, no Terror: the 98 of the new Central Committee who were to be shot live to see the war, and some to see old age.",
  ],
};

// FATES are, for each Congress role, what becomes of its figure: "won"
// when its camp won, "lost" when it lost; "{name}" is the delegate who
// held the file. Purged at this Congress, a figure's fate comes sooner.
const FATES = {
  koba: {
    won: "{name} was Koba, Stalin himself, and walked out of the Smolny unrecognised. The Terror follows as history knows it.",
    lost: "{name} was Koba. Nikolaev's revolver found him in the Smolny corridor.",
  },
  nikolaev: {
    won: "{name} was Nikolaev, the bloc's gunman. His shot found Stalin; he is never tried.",
    lost: "{name} was Nikolaev. Taken with the revolver still in his hand, he is shot on 29 December 1934, as in our history.",
  },
  bukharin: {
    won: "{name} was Bukharin. Loyal or not, the Right Deviation is not forgiven: editor of Izvestia until 1937, he is tried with the Twenty-One and shot on 15 March 1938.",
    lost: "{name} was Bukharin. Under Kirov the Right Deviation is a quarrel, not a crime: he goes on editing Izvestia, and writes the constitution of 1936 in his own words.",
  },
  zinoviev: {
    won: "{name} was Zinoviev, the double-dealer. Kirov's Leningrad is his again, and no Trial of the Sixteen is ever held.",
    lost: "{name} was Zinoviev. His double game is found out: the Trial of the Sixteen comes in August 1936, and he is shot on the 25th.",
  },
  tukhachevsky: {
    won: "{name} was Marshal Tukhachevsky. The Army stood behind him at the Congress; in May 1937 it does not. Shot on 12 June 1937 with seven of his generals, he leaves a Red Army without its commanders for 1941.",
    lost: "{name} was Marshal Tukhachevsky. Under Kirov nobody forges the papers that doomed him: the army that meets the Wehrmacht in 1941 keeps its commanders.",
  },
  yagoda: {
    won: "{name} was Yagoda, the NKVD's own chief. Kirov keeps him at the Lubyanka, and the files he falsified are never opened.",
    lost: "{name} was Yagoda. He stages the first Moscow trial for Stalin, then stands in the dock of the third, and is shot on 15 March 1938.",
  },
};

// fates are the lines of FATES for the Congress roles dealt in this game,
// in seat order: [{role, text}].
export function fates(v) {
  const out = [];
  for (const x of v.seats) {
    const f = FATES[x.role];
    if (!f) continue;
    let text = (x.faction === v.winner ? f.won : f.lost).replaceAll("{name}", x.name);
    if (!x.alive) text += " Purged at this Congress, he was struck from the Party lists before any of it.";
    out.push({ role: x.role, text });
  }
  return out;
}
