// epilogue.js: what history follows from each way the Congress ends. The
// game asks "what if Kirov had taken Stalin's place?"; each ending answers
// it in its own way and names the real people whose fates it changes.
// "{kirov}" is the delegate who held Kirov's file.

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
  parity: [
    "Kirov's bloc now holds half the hall, and no purge can pass against it. The resolutions are written by Leningrad men, and {kirov}'s bloc carries Kirov to the Secretariat by acclamation.",
    "What if Kirov had taken Stalin's place? Not by a ballot here, but by a majority that cannot be purged. Stalin loses the Secretariat and keeps his portrait; the new NKVD of July 1934 is handed to a Kirov man instead of Yagoda.",
    "No shot in the Smolny, no Terror: the 98 of the new Central Committee who were to be shot live to see the war, and some to see old age.",
  ],
};
