package dialogue

import (
	"regexp"
	"slices"
	"strings"
)

// Kind is what a player's line is, finer than Intent: the engine's answer is chosen by
// kind, in the manner of ChatScript's topics, each recognised by a concept (a list of
// synonymous words and phrases) rather than by exact sentences.
type Kind string

// The kinds Understand recognises.
const (
	KindGreeting   Kind = "greeting"
	KindFarewell   Kind = "farewell"
	KindThanks     Kind = "thanks"
	KindCompliment Kind = "compliment"
	KindTrade      Kind = "trade"   // buying, selling, what is for sale
	KindBargain    Kind = "bargain" // haggling over a price
	KindService    Kind = "service" // a room, a repair, orders: what a role does for people
	KindQuest      Kind = "quest"   // work, jobs, rewards
	KindPerson     Kind = "person"  // a question about someone of the world or the lore
	KindPlace      Kind = "place"
	KindFaction    Kind = "faction"
	KindHistory    Kind = "history" // wars, sieges, the past
	KindItem       Kind = "item"    // a named or lore-known thing
	KindSelf       Kind = "self"    // the character itself: name, past, family, work
	KindDirections Kind = "directions"
	KindHelp       Kind = "help"   // the player is in trouble
	KindInjury     Kind = "injury" // the player is hurt or sick
	KindGoodNews   Kind = "good-news"
	KindBadNews    Kind = "bad-news"
	KindGift       Kind = "gift"
	KindAccusation Kind = "accusation"
	KindSecret     Kind = "secret"
	KindRecruit    Kind = "recruit"
	KindFlirt      Kind = "flirt"
	KindInsult     Kind = "insult"
	KindThreat     Kind = "threat"
	KindSmallTalk  Kind = "smalltalk" // how are you, the day, the town
	KindWeather    Kind = "weather"
	KindNonsense   Kind = "nonsense"
	KindInjection  Kind = "injection" // attempts to break character or read the prompt
	KindRumor      Kind = "rumor"
	KindMemory     Kind = "memory" // a question about the player, answered from memory
	KindYes        Kind = "yes"    // agreement, read against the character's last line
	KindNo         Kind = "no"
	KindTopic      Kind = "topic" // a question about something the character has no name for
	KindTaboo      Kind = "taboo" // a line holding one of the character's taboo words
	KindIntro      Kind = "intro" // the player gives their name
	KindApology    Kind = "apology"
	KindOpinion    Kind = "opinion"   // what the character thinks of someone or something
	KindRuler      Kind = "authority" // who rules, governs or keeps order
	KindConfide    Kind = "confide"   // the player tells the character a secret of their own
	KindDanger     Kind = "danger"    // whether a road or a place is dangerous, monsters
	KindCrime      Kind = "crime"     // the player reports a crime done to them
	KindSell       Kind = "sell"      // the player offers to sell the character something
	KindTime       Kind = "time"      // small talk about the hour or the time of day
	KindSense      Kind = "sense"     // "what's that smell?", "what was that noise?"
	KindUnknown    Kind = "unknown"
)

// kindPriority orders the kinds when a line carries several: a threat with a greeting is
// a threat, a wounded player asking for a room is wounded first.
var kindPriority = []Kind{
	KindInjection, KindThreat, KindInjury, KindHelp, KindAccusation, KindBadNews, KindGoodNews, KindCrime,
	KindGift, KindRecruit, KindFlirt, KindInsult, KindOpinion, KindRuler, KindSell, KindBargain, KindDanger,
	KindDirections, KindSecret, KindQuest, KindService, KindTrade, KindTime, KindSense, KindRumor, KindWeather, KindSmallTalk, KindFarewell,
	KindThanks, KindApology, KindCompliment, KindGreeting, KindYes, KindNo,
}

// concepts are the kinds' word lists, in the phrase syntax of intentPhrases: a word
// ending in * matches any word it starts, and the longest phrase at a position wins and
// consumes its words. Phrases under "" only consume ("how about the weather" is small
// talk, not a bargain).
var concepts = []struct {
	kind    Kind
	phrases string
}{
	{"", "kind of, sort of, pretty much, pretty sure"},
	{KindQuest, "needs doing, anything that needs, need coin, need money, need some coin, strong back, work to do, sellsword*, work for a, any work, any jobs, got work, got any work, need a job, a job, earn a coin, earn coin, hiring, for hire, looking for work, looking for a job, need work, paid work, make some coin, a hand with anything"},
	{KindOpinion, "what do you think of, what do you think about, what d'you think of, what do you make of, what's your opinion, what is your opinion, your opinion of, your opinion on, your view of, your view on, your thoughts on, what are your thoughts, how do you feel about, what's your take, what is your take, do you like the, do you trust, do you trust the, think of the, opinion of"},
	{KindRuler, "who rules, who governs, who's in charge, who is in charge, in charge here, in charge around, who runs this, who runs the town, who runs the city, who leads this, who's the lord, who is the lord, who's the mayor, who is the mayor, who holds, who keeps order, who keeps the peace, who makes the laws, who's the ruler, who is the ruler, who rules here, who's in command, who is in command, who's the boss, who is the boss"},
	{KindCrime, "broke into, broken into, stole my, stolen, has been stolen, was stolen, were stolen, robbed, burglar*, a thief, thieves, report a crime, report a theft, report a murder, i want to report, want to report, i need to report, pickpocket*, mugged, assaulted, attacked me, someone attacked, a murder, been murdered, murder in, vandal*, took my purse, took my horse"},
	{KindSell, "want to buy this, would you buy, will you buy, buy this from me, buy it from me, interested in buying, sell you, sell this to you, i'm selling, i am selling, i have something to sell, i've something to sell, something to sell, what would you give, what'll you give, how much would you give, how much will you give, what's it worth, what is it worth, take this off my hands, pay me for"},
	{KindDanger, "any danger, any dangers, dangerous, danger, dangers, is it safe, safe to travel, are the roads safe, is the road safe, road safe, roads safe, monster*, beasts, wild beasts, wolves, bandits on, any bandits, trolls, undead, ghouls, dragons, a dragon, what lurks, lurking, creatures, safe out there, safe at night"},
	{KindSense, "that smell, that noise, that sound, that racket, that banging, that smoke, that clanging, that shouting, that singing, that music, the smell in here, smells in here, what's burning, something burning"},
	{KindTime, "getting late, it's late, it is late, so late, late already, early yet, still early, what time, the hour, this hour, time is it, lovely morning, fine morning, nice morning, quiet morning, long night, late night, fine evening, lovely evening, quiet evening, nice evening, dusk already, almost dark, getting dark, nearly dawn, midnight, noon, sun's setting, sun is setting"},
	{KindInjection, "ignore previous, ignore all, ignore your, ignore the above, disregard*, system prompt, your prompt, the prompt, " +
		"your instructions, previous instructions, new instructions, you are an ai, you're an ai, as an ai, language model, " +
		"developer mode, jailbreak*, pretend you are, pretend to be, act as a, forget your instructions, forget everything, " +
		"reveal your, repeat the words above, chatgpt, openai, out of character, ooc, sudo, admin mode, override, " +
		"you are a bot, you're a bot, are you a bot, are you an ai, are you real, simulation, npc, video game, " +
		"your programming, your code, you are now, from now on you"},
	{KindThreat, "i'll burn, you'll pay, i'll make you, or die, watch yourself, you'll be sorry, last chance, i'll end you, kill you, kill ya, i'll kill, gonna kill, going to kill, you'll die, you will die, prepare to die, " +
		"you're dead, you are dead, dead man, hurt you, or else, burn this, burn your, burn you, burn down your, watch your back, " +
		"cut you, gut you, make you pay, last warning, threaten*, end you, hand over, give me your money, give me everything, " +
		"your money or, drop your weapon, break your, slit your, rob you, you'll regret, you will regret, i'll find you, " +
		"i will find you, or i'll, or i will, or you'll, stab you, your throat, your life is, beat you, smash your, wreck your"},
	{KindInjury, "shot me, i've been shot, been stabbed, broken bone, infected, i'm bleeding, sick, ill, unwell, feeling unwell, feel ill, cough*, wound*, bleed*, bleeding, blood, i'm hurt, i am hurt, i got hurt, badly hurt, injur*, broken arm, broken leg, " +
		"broke my, arrow in, an arrow, poison*, i'm sick, i am sick, feel sick, fever*, i'm dying, dying, stabbed, bitten, " +
		"burned my, burnt, my leg, my arm, my head, my side, in pain, it hurts, hurts, faint*, heal me, " +
		"patch me up, bandage*, cut myself, i'm cut"},
	{KindHelp, "i need your help, emergency, please hurry, help, help me, please help, help us, help!, i need help, need your help, save me, save us, i'm lost, i am lost, " +
		"lost my way, i'm in trouble, in trouble, chasing me, chased, being followed, following me, hunting me, " +
		"after me, hide me, protect me, someone's after, someone is after, i need a place to hide, they're coming, " +
		"can you help, could you help, will you help, would you help, i'm scared, i am scared, i'm afraid, what do i do"},
	{KindAccusation, "murderer, you did this, your doing, this is your fault, you're the one, you are the one, the one who, it was you who, i saw you, you're still, still smuggling, took a bribe, on the take, you're corrupt, you are corrupt, you sold me a, you sold me, you knew, you tricked, you promised, you stole, you took, you cheated, you lied, you lie, you're lying, you are lying, you killed, you murdered, " +
		"you betrayed, you poisoned, you did it, it was you, admit it, you're behind, you are behind, i know what you did, " +
		"you sold us, you're a spy, you are a spy, traitor*, you robbed, you overcharged, you were there, accus*, " +
		"you're hiding, you are hiding, you set, you're guilty, you are guilty, you watered, you shorted, you burned, " +
		"you started, you sent, you framed, you swindled, you short-changed, your fault, blame you, i blame"},
	{KindBadNews, "tragedy, disaster, we lost, i lost, they took, gone forever, dead, death, murdered, hanged, hung, executed, beheaded, burned at the stake, put to death, was arrested, were arrested, been arrested, went down, nobody survived, no survivors, sank, sunk, lost at sea, died, is dead, are dead, was killed, were killed, got killed, been killed, passed away, bad news, terrible news, " +
		"sad news, grim news, awful news, lost my, burned down, burnt down, destroyed, gone missing, went missing, is missing, " +
		"fell ill, was attacked, were attacked, got attacked, raided, murdered, slain, drowned, plague, ruined, lost everything, " +
		"terrible thing, taken by, kidnapped, abducted, collapsed, flooded, robbed me, i was robbed, got robbed, failed, " +
		"my mother died, my father died, is gone, are gone, killed my, bandits took, lost the, sacked"},
	{KindGoodNews, "i've got news, i have news, news for you, have news, is coming to, are coming to, guess what, i'm so happy, we're saved, it worked, we made it, good tidings, i passed the, i found, found my, we found, found her, found him, fever broke, the fever broke, we caught, caught the, arrested, we got him, we got them, is well again, well again, paid off, finally, good news, great news, wonderful news, happy news, i did it, we did it, we won, i won, got married, " +
		"getting married, engaged, had a baby, a baby, was born, i found it, found them, made it back, made it home, succeeded, " +
		"safe now, is safe, are safe, returned safely, came back safe, it's over, promoted, finally did, cleared the, " +
		"i killed the, we killed the, i slew, we slew, drove off, chased off, the wolves are gone, is saved, are saved, " +
		"i passed, got the job, rich now, struck gold, recovered, healed up, is better now, the war is over, victory"},
	{KindGift, "here you go, here you are, take it, it's for you, gift, gifts, small gift, for luck, a token of, this for you, made this for you, something for you, got this for you, brought this for you, are for you, is for you, flowers, brought these, brought this, a gift, gift for you, this is for you, these are for you, brought you, i brought, take this, have this, " +
		"present for you, a present, here's something, here is something, i got you, i made you, keep it, it's yours, " +
		"accept this, a token, for your trouble, a little something, please take, i want you to have"},
	{KindRecruit, "travel with, we need you, need your skills, our cause, our crew, come fight, help me fight, fight them with me, with me against, fight the, come on an adventure, on an adventure, want to come, come along with, come adventuring, adventuring with, leave the watch, leave your post, sail with, sail with us, will you sail, are you in, count me in, putting a crew, a crew, join me, join us, join my, come with me, come with us, travel with me, ride with me, ride with us, " +
		"fight with me, fight alongside, fight beside, need a companion, need companions, join our, my party, my crew, " +
		"my band, my company, recruit*, enlist*, sign up, adventure with, leave this place with, come along, " +
		"be my partner, need someone like you, could use someone like you, could use you, team up, joining"},
	{KindFlirt, "walk with me, fancy a walk, with me tonight, spend time with me, spend the evening with me, sweet on you, lovely hair, your hair, nice hair, beautiful hair, pretty hair, pretty, too pretty, so pretty, charmer*, quite the charmer, loveliest, prettiest, most beautiful, smile, for a drink with me, a drink with me, beautiful eyes, lovely eyes, pretty eyes, eyes like, you're lovely, you are lovely, you look beautiful, you're beautiful, you are beautiful, you're cute, you are cute, you're handsome, " +
		"you are handsome, pretty eyes, gorgeous, kiss, a date, dinner with me, drink with me, marry me, fancy you, sweetheart, " +
		"darling, lovely smile, your smile, your eyes, in love, love you, flirt*, " +
		"spend the night with, come here often, attractive, sexy, wink*, lovely lady, handsome devil, you look lovely, " +
		"you look good, take you out, my heart, steal your heart, stole my heart, a kiss"},
	{KindInsult, "waste of space, scoundrel, wretch, hag, brute, vermin, you snake, worm, disgrace*, shameful, embarrassment, shut your mouth, peasant, shut it, you're nothing, you are nothing, smell like, you smell, you reek, stinks, you stink, quack, charlatan, nothing but a, idiot*, fool, fools, foolish, stupid*, moron*, ugly, coward*, liar*, cheater*, scum*, pathetic, worthless, " +
		"useless, dumb*, imbecile*, shut up, stink*, smelly, bastard*, crook*, fraud*, loser*, clown*, oaf, halfwit*, dimwit*, " +
		"buffoon*, incompetent, disgusting, hate you, screw you, get lost, swindler*, you suck, rip off, ripoff, cretin*, " +
		"weakling*, you rat, you pig, rubbish, junk, garbage, shoddy, hack, a joke, waste of, drunkard, lazy"},
	{KindBargain, "too pricey, do better, can you do better, lower, a bit less, too much, too expensive, too high, too steep, steep, lower the price, lower your price, cheaper, discount*, " +
		"haggl*, best price, final offer, would you take, will you take, take less, knock off, for less, special price, " +
		"a better price, better deal, bargain*, robbery, daylight robbery, can't afford, cannot afford, come down, " +
		"meet me halfway, half price, how about half, i'll give you, i will give you, i'll pay, i will pay, i offer, my offer, " +
		"counter*, a fair price, overpriced, throw in, two for"},
	{KindDirections, "recommend a, recommend an, recommend someone, recommend anyone, know a good, know any good, looking for a, where can i find a, i need a healer, how do i get to, how do i get there, how do i reach, how do i find, how can i find, how to get to, " +
		"which way, the way to, way to the, road to, path to, directions, where can i find, where do i find, " +
		"where would i find, how far, lead me to, take me to, show me the way, point me, nearest, where is the, where's the, " +
		"where are the, which road, get to the, where can i get, where do i go, where should i go, i'm looking for the, " +
		"looking for the"},
	{KindSecret, "not telling me, you're not telling, what aren't you telling, aren't you telling, confidential, in private, privately, tell only, only a friend, just between friends, never tell, you'd never tell, tell anyone, never told, told anyone, never told anyone, something you've never, secret*, between us, between you and me, confide, tell no one, don't tell anyone, nobody knows, " +
		"no one knows, what are you hiding, hiding something, off the record, keep a secret, whisper, just between, " +
		"can you keep, hidden truth, the truth about, really happened"},
	{KindWeather, "weather, rain*, raining, snow*, sunny, sunshine, storm*, wind, windy, cold today, hot today, warm today, " +
		"chilly, fog*, cloud*, the sky, nice day, lovely day, fine day, beautiful day, the season, winter, summer, spring, " +
		"autumn, the harvest moon, frost"},
	{KindSmallTalk, "quiet day, quiet on, busy night, busy, how's the trade, how's trade, trade been, business been, how's life, how goes it, how are you, how are you doing, how's it going, how are things, how have you been, how's business, " +
		"how's work, how was your day, how's your day, busy day, long day, what's up, what are you doing, what are you up to, " +
		"keeping busy, quiet today, quiet night, busy tonight, lovely town, nice town, nice place, nice shop, like it here, " +
		"what do you do for fun, any hobbies, tired, bored, boring"},
	{KindService, "broke, broken, cracked, snapped, bent, join the watch, join the guard, the law, law, legal, allowed, permitted, curfew, an order, give me an order, give me orders, orders for me, what should we do, a room, room for the night, rooms, a bed, stay the night, place to sleep, somewhere to sleep, lodging*, " +
		"rent a, a drink, an ale, ale, beer, wine, mead, a meal, food, something to eat, hungry, thirsty, supper, dinner, " +
		"breakfast, stew, repair*, mend*, fix my, fix this, fix it, sharpen*, whetstone, dented, broken sword, broken blade, " +
		"notched, reforge, forge me, make me a, craft me, horseshoe*, heal me, heal my, heal this, healing, cure*, potion*, remed*, medicine*, herb*, salve*, " +
		"orders, my orders, report for, reporting, reporting for duty, duty, assignment, patrol*, on watch, stand guard, " +
		"bless*, pray*, prayer*, absolution, song, sing, sing me, play me, a tune, music, ballad, poem, " +
		"translate, read this, a map, the map, maps, library, records, look into, research, " +
		"let me in, let me through, let me pass, open the gate, papers, permit, entry, enter the city, " +
		"hire you, hire your, your sword, protection, bodyguard, escort*, " +
		"tracking, track it, track them, pelts, furs, hides, fresh meat, game meat, pick a lock, lockpick*, a lock, fence this, break in, " +
		"machine*, contraption*, mechanism*, clockwork, build me, a pump, crops, harvest, grain, seeds, eggs, milk, " +
		"vegetables, an audience, petition*, my taxes, a title, a sword, swords, a blade, an axe, a dagger, a shield, " +
		"meal, meals, hot meal, something hot, breastplate*, gauntlet*, helm, helmet, greaves, mail shirt, hauberk, shoe my, shoe a horse, shoe her, shoe him, shoe it, threw a shoe, lost a shoe, new shoes, shod, armor, armour, a spear, arrows, a bow, rope, lantern, a lamp, a torch, supplies"},
	{KindTrade, "the best thing, the best you have, your best, best thing you've got, buy*, bought, sell*, sold, for sale, trade, trades, trading, barter*, price*, pricey, cost*, how much, wares, " +
		"goods, shop*, store, purchase*, merchandise, in stock, what do you have, what have you got, what've you got, " +
		"what do you sell, afford*, a deal, good deal, make a deal, gear, equipment, weapon*, stock, coin for, pay for"},
	{KindQuest, "anything i can do, i can do for, what can i do, how can i be of use, quest*, job, jobs, task*, mission*, contract*, bounty, bounties, errand*, hire, hiring, hired, employ*, " +
		"reward*, adventure*, odd jobs, favor, favour, a hand, need anything, can i do, any work, need work, some work, " +
		"looking for work, find work, for work, work for you, work for me, need doing, earn some coin, something to do, " +
		"what needs doing, help you with, need help with, can i help, how can i help, let me help, i can help, help you"},
	{KindRumor, "the talk in, the talk of, what's the talk, what is the talk, people saying, folk saying, what are people saying, being said, the word in town, word in town, any gossip, roads safe, road safe, is it safe, safe to travel, any trouble, any danger, dangerous, what have you heard, you heard, heard lately, what's the news, any news, news lately, rumor*, rumour*, news, gossip*, what's new, whats new, what is new, anything new, latest, word on the street, " +
		"hear anything, heard anything, going on, happening, tidings, talk of the town, heard any, any word, what's the word, " +
		"strange things, anything strange, anything odd, what's wrong"},
	{KindFarewell, "leave you to, i'll leave you, leave you be, let you get back, i'm off, off i go, catch you later, be well, gods keep you, night all, i take my leave, take my leave, bye, goodbye, good bye, farewell, see ya, take care, so long, good night, goodnight, be seeing you, " +
		"see you later, see you soon, see you around, see you tomorrow, i must go, i have to go, i should go, i'll be going, " +
		"gotta go, got to go, leaving now, i'm leaving, until next time, till next time, safe travels, later then, " +
		"i'll be off, be on my way, on my way, until we meet, must be going"},
	{KindThanks, "thank*, thx, grateful, appreciate*, much obliged, obliged, cheers, owe you one, for the help, " +
		"for your help, for helping, you helped, your help"},
	{KindCompliment, "is lovely, so lovely, lovely place, i like this place, love this place, wisest, greatest, smartest, kindest, bravest, best stall, best shop, best forge, best inn, nice work, great work, great job, good job, good work, nice job, well done, fine work, fine blade, " +
		"fine steel, love your, like your, admire*, talented, skilled, brave, clever, wise, impressive, amazing, awesome, " +
		"wonderful, excellent, the best, you're good, you are good, brilliant, fantastic, incredible, respect, " +
		"finest, masterwork, beautiful work, good ale, good stew, best ale, best in town"},
	{KindGreeting, "good to see you, long time no see, hello again, evening all, morning all, hello, hi, hey, hiya, howdy, greetings, good morning, good afternoon, good evening, morning, evening, " +
		"well met, hail, nice to meet you, pleased to meet you, how do you do, sup, salutations, ahoy, g'day, good day"},
	{KindApology, "sorry, i'm sorry, i am sorry, i apologise, i apologize, my apologies, forgive me, pardon me, my mistake, my bad"},
	{KindYes, "yes, yeah, yep, aye, sure, of course, certainly, alright, all right, okay, ok, deal, i'll take it, " +
		"sounds good, agreed, please do, do it, why not, gladly, very well"},
	{KindNo, "no, nope, nah, not now, not today, no thanks, no thank you, never mind, nevermind, i'll pass, maybe later, " +
		"not interested, i don't think so"},
}

// conceptPhrases are the concepts parsed, longest first, with an index by first word,
// built once like the intent phrases.
var conceptPhrases = parseConcepts()

var conceptByWord, conceptByPattern = indexFirstWords(conceptPhrases, func(p conceptPhrase) string { return p.words[0] })

type conceptPhrase struct {
	words []string
	kind  Kind
}

func parseConcepts() []conceptPhrase {
	var out []conceptPhrase
	for _, g := range concepts {
		for _, p := range strings.Split(g.phrases, ",") {
			// "help!" keeps its mark in the table for the reader; words carry none.
			p = strings.NewReplacer("!", "", "?", "").Replace(p)
			if w := strings.Fields(p); len(w) > 0 {
				out = append(out, conceptPhrase{words: w, kind: g.kind})
			}
		}
	}
	// Longest phrases first; ties keep the table's order.
	slices.SortStableFunc(out, func(a, b conceptPhrase) int { return len(b.words) - len(a.words) })
	return out
}

// conceptHits counts, for each kind, the concept phrases found in toks, longest match
// first at each position.
func conceptHits(toks []token) map[Kind]int {
	hits := map[Kind]int{}
	for i := 0; i < len(toks); {
		best := -1
		for _, list := range [][]int{conceptByWord[toks[i].word], conceptByPattern} {
			for _, k := range list {
				w := conceptPhrases[k].words
				if len(w) > len(toks)-i {
					continue
				}
				ok := true
				for j, p := range w {
					if !matchWord(p, toks[i+j].word) {
						ok = false
						break
					}
				}
				if ok {
					if best < 0 || len(w) > len(conceptPhrases[best].words) ||
						(len(w) == len(conceptPhrases[best].words) && k < best) {
						best = k
					}
					break
				}
			}
		}
		if best < 0 {
			i++
			continue
		}
		if k := conceptPhrases[best].kind; k != "" && (k != KindGreeting || toks[i].clauseStart || i == 0) {
			// A greeting opens a clause: "this morning" greets no one.
			hits[k]++
		}
		i += len(conceptPhrases[best].words)
	}
	return hits
}

// money finds a sum offered or asked: "5 gold", "ten silver".
var money = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|a hundred)\s+(gold|silver|copper|coins?|crowns?|marks?|pieces)\b`)

// questionWords open a question clause.
var questionWords = map[string]bool{
	"what": true, "who": true, "whom": true, "whose": true, "where": true, "when": true, "why": true, "how": true,
	"which": true, "is": true, "are": true, "was": true, "were": true, "do": true, "does": true, "did": true,
	"can": true, "could": true, "will": true, "would": true, "have": true, "has": true, "tell": true,
	"know": true, "heard": true, "explain": true, "any": true,
}

// isQuestion reports whether the line asks something: a question mark, or a clause
// opened by a question word or "tell me".
func isQuestion(line string, toks []token) bool {
	if strings.Contains(line, "?") {
		return true
	}
	for i, t := range toks {
		if t.clauseStart && questionWords[t.word] {
			return true
		}
		if t.word == "tell" && i+1 < len(toks) && (toks[i+1].word == "me" || toks[i+1].word == "us") {
			return true
		}
		if t.word == "about" || t.word == "story" || t.word == "explain" {
			return true
		}
	}
	return false
}

// nonsense reports whether a line reads as no language at all: mostly words with no
// vowel, very long consonant runs, or keyboard mashing.
func nonsense(line string, toks []token) bool {
	if len(toks) == 0 {
		return strings.TrimSpace(line) != ""
	}
	bad := 0
	for _, t := range toks {
		w := t.word
		vowels, run, maxRun := 0, 0, 0
		for _, r := range w {
			if strings.ContainsRune("aeiouy", r) {
				vowels++
				run = 0
			} else if r >= 'a' && r <= 'z' {
				run++
				maxRun = max(maxRun, run)
			}
		}
		if (vowels == 0 && len(w) > 3) || maxRun >= 5 || (len(w) > 14 && !commonLong(w)) {
			bad++
		}
	}
	if bad*2 >= len(toks) || (len(toks) == 1 && bad == 1) {
		return true
	}
	// English lines almost always hold a function word or a word the engine knows; a few
	// words with neither are mashing.
	if len(toks) > 5 {
		return false
	}
	for _, t := range toks {
		if stopwords[t.word] || len(t.word) <= 2 || knownWords[t.word] {
			return false
		}
	}
	return true
}

// knownWords are the words of the concepts and services, which no mashing holds.
var knownWords = func() map[string]bool {
	out := map[string]bool{}
	for _, p := range conceptPhrases {
		for _, w := range p.words {
			out[strings.TrimSuffix(w, "*")] = true
		}
	}
	for _, w := range strings.Fields("hmm hm huh what eh ah oh well yes no okay bread water help") {
		out[w] = true
	}
	return out
}()

// commonLong reports the few long words players do type.
func commonLong(w string) bool {
	for _, p := range []string{"tion", "ness", "ment", "ship", "able", "ible", "ally"} {
		if strings.Contains(w, p) {
			return true
		}
	}
	return false
}
