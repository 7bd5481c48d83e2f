/**
 * Common English given-name variants, as groups: the first name of each group is its canonical form.
 * A name may belong to several groups ("chris" is Christopher or Christine, "al" Albert, Alan or
 * Alfred); `canonicalGiven` picks the first group, `nicknameGroups` returns all of them so two names
 * are nickname-equivalent when their groups intersect.
 */
// biome-ignore format: a word list
const GROUPS: string[][] = [
  ['abigail', 'abby', 'abbie', 'gail'],
  ['abraham', 'abe', 'bram'],
  ['albert', 'al', 'bert', 'bertie'],
  ['alan', 'al', 'allan', 'allen'],
  ['alexander', 'alex', 'alec', 'alek', 'sandy', 'xander', 'lex', 'sasha'],
  ['alexandra', 'alex', 'alexa', 'lexi', 'lexie', 'sandra', 'sandy', 'sasha', 'alix'],
  ['alfred', 'al', 'alf', 'alfie', 'fred', 'freddie'],
  ['andrew', 'andy', 'drew', 'andie'],
  ['angela', 'angie', 'angelina'],
  ['anthony', 'tony', 'ant', 'antony'],
  ['arthur', 'art', 'artie'],
  ['barbara', 'barb', 'barbie', 'babs'],
  ['benjamin', 'ben', 'benny', 'benji', 'benjy'],
  ['bernard', 'bernie', 'barney'],
  ['beverly', 'bev'],
  ['bradley', 'brad'],
  ['calvin', 'cal'],
  ['catherine', 'cathy', 'cath', 'cat', 'kate', 'katie', 'kathryn', 'katherine', 'kathy', 'kathleen', 'kat', 'kitty', 'katy', 'katharine', 'caitlin', 'kay'],
  ['charles', 'charlie', 'chuck', 'chas', 'chaz', 'chip', 'carl'],
  ['charlotte', 'charlie', 'lottie', 'lotte', 'char'],
  ['christopher', 'chris', 'kit', 'topher', 'kris', 'christoph'],
  ['christine', 'chris', 'chrissy', 'christina', 'tina', 'kristine', 'kristina', 'kris', 'kristen', 'kirsten', 'christy', 'kristy'],
  ['clifford', 'cliff'],
  ['cynthia', 'cindy', 'cyndi'],
  ['daniel', 'dan', 'danny', 'dani'],
  ['danielle', 'dani', 'danni', 'ella'],
  ['david', 'dave', 'davey', 'davy', 'davie'],
  ['deborah', 'deb', 'debbie', 'debby', 'debra'],
  ['dennis', 'denny', 'den'],
  ['dominic', 'dom', 'nick'],
  ['donald', 'don', 'donnie', 'donny'],
  ['dorothy', 'dot', 'dottie', 'dolly', 'dora'],
  ['douglas', 'doug', 'dougie'],
  ['edward', 'ed', 'eddie', 'eddy', 'ted', 'teddy', 'ned', 'ward'],
  ['edwin', 'ed', 'eddie', 'win'],
  ['eleanor', 'ellie', 'nell', 'nellie', 'nora', 'elle', 'elly', 'elinor', 'leonora'],
  ['elizabeth', 'liz', 'lizzie', 'lizzy', 'beth', 'betty', 'bette', 'betsy', 'eliza', 'lisa', 'liza', 'libby', 'bess', 'bessie', 'elisabeth', 'elsie', 'ellie', 'lise'],
  ['emily', 'em', 'emmy', 'millie', 'emilie'],
  ['eugene', 'gene'],
  ['frances', 'fran', 'frankie', 'fanny', 'francine'],
  ['francis', 'frank', 'frankie', 'fran'],
  ['franklin', 'frank', 'frankie'],
  ['frederick', 'fred', 'freddie', 'freddy', 'fritz', 'rick', 'frederic'],
  ['gabriel', 'gabe', 'gabby'],
  ['gabrielle', 'gabby', 'gabi', 'elle'],
  ['geoffrey', 'geoff', 'jeff', 'jeffrey', 'jeffery'],
  ['gerald', 'gerry', 'jerry', 'gerard'],
  ['gregory', 'greg', 'gregg'],
  ['harold', 'hal', 'harry', 'harri'],
  ['henry', 'hank', 'harry', 'hal', 'hen', 'henri'],
  ['herbert', 'herb', 'bert'],
  ['isabella', 'bella', 'izzy', 'isabel', 'isabelle', 'belle', 'izzie'],
  ['jacob', 'jake', 'jay', 'jakob'],
  ['jacqueline', 'jackie', 'jacqui', 'jacky'],
  ['james', 'jim', 'jimmy', 'jimmie', 'jamie', 'jem', 'jas'],
  ['janet', 'jan', 'jenny', 'netty'],
  ['jennifer', 'jen', 'jenn', 'jenny', 'jennie', 'jenna'],
  ['jeremy', 'jerry', 'jem', 'jeremiah'],
  ['jessica', 'jess', 'jessie', 'jessy'],
  ['joan', 'joanie', 'jo'],
  ['joanna', 'jo', 'joanne', 'jojo', 'joann'],
  ['john', 'jon', 'johnny', 'jack', 'jackie', 'johnnie', 'jonny', 'ian', 'sean', 'evan', 'hans', 'juan', 'johann', 'johannes'],
  ['jonathan', 'jon', 'jonny', 'jonty', 'nathan', 'johnathan'],
  ['joseph', 'joe', 'joey', 'jo', 'jos', 'joe', 'giuseppe', 'jose'],
  ['josephine', 'jo', 'josie', 'jose', 'fifi'],
  ['joshua', 'josh'],
  ['judith', 'judy', 'judi', 'jude'],
  ['julia', 'julie', 'jules', 'juliet', 'juliette'],
  ['kenneth', 'ken', 'kenny', 'kenney'],
  ['kimberly', 'kim', 'kimmy', 'kimberley'],
  ['lawrence', 'larry', 'laurie', 'lawrie', 'laurence', 'lance', 'lorenzo'],
  ['leonard', 'len', 'lenny', 'leo', 'leon'],
  ['louis', 'lou', 'louie', 'lewis', 'luis', 'ludwig'],
  ['louise', 'lou', 'lulu', 'louisa', 'lois'],
  ['margaret', 'maggie', 'meg', 'megan', 'peggy', 'peg', 'marge', 'margie', 'madge', 'daisy', 'greta', 'gretchen', 'rita', 'maisie', 'marjorie', 'margo', 'margot'],
  ['martin', 'marty', 'mart'],
  ['mary', 'molly', 'polly', 'mae', 'may', 'mamie', 'maria', 'marie', 'mimi', 'maureen', 'mariah'],
  ['matthew', 'matt', 'matty', 'mat', 'mathew'],
  ['michael', 'mike', 'mikey', 'mick', 'micky', 'mickey', 'mitch', 'michel', 'miguel', 'mikhail'],
  ['michelle', 'shelly', 'shelley', 'micky', 'chelle'],
  ['nathaniel', 'nate', 'nat', 'nathan', 'natty'],
  ['nicholas', 'nick', 'nicky', 'nico', 'nic', 'colin', 'nicolas', 'klaus'],
  ['nicole', 'nikki', 'nicky', 'nic', 'nichole', 'colette'],
  ['oliver', 'ollie', 'olly', 'noll'],
  ['pamela', 'pam', 'pammy'],
  ['patricia', 'pat', 'patty', 'patti', 'tricia', 'trish', 'trisha', 'tish'],
  ['patrick', 'pat', 'paddy', 'patsy', 'rick'],
  ['peter', 'pete', 'petey', 'piet', 'pierre', 'pedro'],
  ['philip', 'phil', 'pip', 'phillip', 'philipp'],
  ['rebecca', 'becky', 'becca', 'becki', 'reba'],
  ['raymond', 'ray', 'raymie'],
  ['richard', 'rich', 'rick', 'ricky', 'dick', 'rich', 'richie', 'ricardo', 'rico'],
  ['robert', 'rob', 'bob', 'bobby', 'robbie', 'robby', 'bert', 'rab', 'roberto', 'robin'],
  ['roberta', 'bobbie', 'robbie', 'bert', 'robin'],
  ['ronald', 'ron', 'ronnie', 'ronny'],
  ['rosemary', 'rose', 'rosie', 'rosa', 'romy'],
  ['samantha', 'sam', 'sammy', 'sammie'],
  ['samuel', 'sam', 'sammy', 'sammie'],
  ['sarah', 'sara', 'sally', 'sadie', 'sal'],
  ['stephanie', 'steph', 'stephie', 'stevie', 'stefanie', 'fanny'],
  ['stephen', 'steve', 'steven', 'stevie', 'stefan', 'steph', 'esteban'],
  ['stuart', 'stu', 'stewart'],
  ['susan', 'sue', 'susie', 'suzy', 'suzanne', 'susanna', 'susannah', 'suzie', 'sukie'],
  ['teresa', 'terry', 'tess', 'tessa', 'tessie', 'theresa', 'tracy', 'tracey'],
  ['terence', 'terry', 'terrence', 'tel'],
  ['theodore', 'ted', 'teddy', 'theo'],
  ['thomas', 'tom', 'tommy', 'thom', 'tomas'],
  ['timothy', 'tim', 'timmy'],
  ['valerie', 'val'],
  ['victoria', 'vicky', 'vicki', 'vickie', 'tori', 'vic', 'vikki'],
  ['vincent', 'vince', 'vinny', 'vin'],
  ['walter', 'walt', 'wally'],
  ['william', 'will', 'bill', 'billy', 'willy', 'willie', 'liam', 'wil', 'wilhelm', 'guillermo'],
  ['zachary', 'zach', 'zack', 'zak', 'zac'],
];

const groupsOf = new Map<string, number[]>();
GROUPS.forEach((g, i) => {
  for (const name of new Set(g)) {
    const list = groupsOf.get(name) ?? [];
    list.push(i);
    groupsOf.set(name, list);
  }
});

/** Indexes of the nickname groups a (normalized) given name belongs to; empty when none. */
export const nicknameGroups = (name: string): number[] => groupsOf.get(name) ?? [];

/** The canonical given name ("bob" → "robert"); unknown names are returned as they are. */
export function canonicalGiven(name: string): string {
  const g = groupsOf.get(name);
  return g ? GROUPS[g[0]!]![0]! : name;
}

/** Whether two normalized given names are variants of one name (a shared nickname group). */
export function isNickname(a: string, b: string): boolean {
  if (!a || !b || a === b) return false;
  const ga = groupsOf.get(a);
  const gb = groupsOf.get(b);
  return !!ga && !!gb && ga.some((x) => gb.includes(x));
}
