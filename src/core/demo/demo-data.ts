/**
 * Word lists the demo generator draws from: names, companies, places, products and timeline
 * phrases. Small on purpose; variety comes from combining them.
 */

// biome-ignore format: a word list
export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret',
  'Donald', 'Ashley', 'Steven', 'Kimberly', 'Andrew', 'Emily', 'Paul', 'Donna', 'Joshua', 'Michelle',
  'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie',
  'Ronald', 'Rebecca', 'Jason', 'Laura', 'Edward', 'Sharon', 'Jeffrey', 'Cynthia', 'Ryan', 'Kathleen',
  'Jacob', 'Amy', 'Gary', 'Angela', 'Nicholas', 'Shirley', 'Eric', 'Brenda', 'Jonathan', 'Emma',
  'Stephen', 'Anna', 'Larry', 'Pamela', 'Justin', 'Nicole', 'Scott', 'Samantha', 'Brandon', 'Katherine',
  'Benjamin', 'Christine', 'Samuel', 'Helen', 'Gregory', 'Debra', 'Alexander', 'Rachel', 'Patrick', 'Carolyn',
  'Frank', 'Janet', 'Raymond', 'Maria', 'Jack', 'Olivia', 'Dennis', 'Heather', 'Jerry', 'Diane',
  'Tyler', 'Julie', 'Aaron', 'Joyce', 'José', 'Victoria', 'Adam', 'Ruth', 'Nathan', 'Virginia',
  'Henry', 'Lauren', 'Zachary', 'Kelly', 'Douglas', 'Christina', 'Peter', 'Joan', 'Kyle', 'Evelyn',
  'Noah', 'Judith', 'Ethan', 'Andrea', 'Jeremy', 'Hannah', 'Walter', 'Megan', 'Christian', 'Cheryl',
  'Keith', 'Jacqueline', 'Roger', 'Martha', 'Terry', 'Madison', 'Austin', 'Teresa', 'Sean', 'Gloria',
  'Priya', 'Arjun', 'Ananya', 'Rahul', 'Sofia', 'Lukas', 'Mia', 'Leon', 'Chloé', 'Hugo',
  'Zoë', 'Liam', 'Aisha', 'Omar', 'Mei', 'Wei', 'Yuki', 'Hiroshi', 'Fatima', 'Mateo',
  'Isabella', 'Diego', 'Camila', 'Lucas', 'Amelia', 'Oliver', 'Charlotte', 'Harper', 'Ava', 'Elijah',
  'Maya', 'Ravi', 'Sanjay', 'Deepika', 'Niamh', 'Siobhan', 'Connor', 'Aoife', 'Freya', 'Finn',
];

// biome-ignore format: a word list
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper',
  'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
  'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez',
  'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell', 'Coleman', 'Butler', 'Henderson', 'Barnes',
  'Shah', 'Sharma', 'Gupta', 'Iyer', 'Reddy', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber',
  "O'Brien", "O'Connor", 'Byrne', 'Walsh', 'Dubois', 'Laurent', 'Chen', 'Wang', 'Li', 'Zhang',
  'Tanaka', 'Sato', 'Kowalski', 'Novak', 'Silva', 'Santos', 'Costa', 'Rossi', 'Russo', 'Nakamura',
];

// biome-ignore format: a word list
export const COMPANY_PREFIXES = [
  'Northwind', 'Blue Harbor', 'Summit', 'Redwood', 'Granite', 'Silver Lake', 'Evergreen', 'Ironclad',
  'Bright Path', 'Cedar', 'Pinnacle', 'Riverbend', 'Golden Gate', 'Lakeside', 'Keystone', 'Horizon',
  'Atlas', 'Beacon', 'Crescent', 'Falcon', 'Harbor Point', 'Juniper', 'Maple', 'Meridian', 'Oakridge',
  'Pioneer', 'Quantum', 'Sterling', 'Trident', 'Vertex', 'Willow', 'Apex', 'Bluebird', 'Coastal',
  'Copperline', 'Driftwood', 'Elm Street', 'Fairview', 'Greystone', 'Highland', 'Ivy', 'Lighthouse',
  'Magnolia', 'Northstar', 'Orchard', 'Prairie', 'Sunrise', 'Twin Pines', 'Westfield', 'Zenith',
];

// biome-ignore format: a word list
export const COMPANY_NOUNS = [
  'Logistics', 'Foods', 'Dental', 'Hospitality', 'Manufacturing', 'Properties', 'Health', 'Construction',
  'Retail', 'Analytics', 'Labs', 'Motors', 'Farms', 'Outfitters', 'Storage', 'Schools', 'Clinics',
  'Hotels', 'Software', 'Engineering', 'Packaging', 'Brewing', 'Fitness', 'Architects', 'Realty',
  'Distribution', 'Media', 'Pharmacy', 'Textiles', 'Energy',
];

export const COMPANY_SUFFIXES = ['Inc.', 'LLC', 'Co.', 'Group', 'Partners', 'Ltd', 'Holdings', ''];

export const INDUSTRIES: Record<string, string> = {
  Logistics: 'Transportation & Logistics',
  Foods: 'Food & Beverage',
  Dental: 'Healthcare',
  Hospitality: 'Hospitality',
  Manufacturing: 'Manufacturing',
  Properties: 'Real Estate',
  Health: 'Healthcare',
  Construction: 'Construction',
  Retail: 'Retail',
  Analytics: 'Technology',
  Labs: 'Life Sciences',
  Motors: 'Automotive',
  Farms: 'Agriculture',
  Outfitters: 'Retail',
  Storage: 'Real Estate',
  Schools: 'Education',
  Clinics: 'Healthcare',
  Hotels: 'Hospitality',
  Software: 'Technology',
  Engineering: 'Professional Services',
  Packaging: 'Manufacturing',
  Brewing: 'Food & Beverage',
  Fitness: 'Consumer Services',
  Architects: 'Professional Services',
  Realty: 'Real Estate',
  Distribution: 'Wholesale',
  Media: 'Media',
  Pharmacy: 'Healthcare',
  Textiles: 'Manufacturing',
  Energy: 'Utilities',
};

export type Place = { city: string; state: string | null; postcode: string; country: string };

/** Countries with a weight, a top-level domain and a few places. */
export const COUNTRIES: { code: string; weight: number; tld: string; places: Place[] }[] = [
  {
    code: 'US',
    weight: 70,
    tld: 'com',
    places: [
      { city: 'San Francisco', state: 'CA', postcode: '94105', country: 'US' },
      { city: 'Los Angeles', state: 'CA', postcode: '90012', country: 'US' },
      { city: 'San Diego', state: 'CA', postcode: '92101', country: 'US' },
      { city: 'Austin', state: 'TX', postcode: '78701', country: 'US' },
      { city: 'Dallas', state: 'TX', postcode: '75201', country: 'US' },
      { city: 'Houston', state: 'TX', postcode: '77002', country: 'US' },
      { city: 'Denver', state: 'CO', postcode: '80202', country: 'US' },
      { city: 'Phoenix', state: 'AZ', postcode: '85004', country: 'US' },
      { city: 'Seattle', state: 'WA', postcode: '98101', country: 'US' },
      { city: 'Portland', state: 'OR', postcode: '97204', country: 'US' },
      { city: 'Chicago', state: 'IL', postcode: '60601', country: 'US' },
      { city: 'New York', state: 'NY', postcode: '10001', country: 'US' },
      { city: 'Brooklyn', state: 'NY', postcode: '11201', country: 'US' },
      { city: 'Boston', state: 'MA', postcode: '02108', country: 'US' },
      { city: 'Atlanta', state: 'GA', postcode: '30303', country: 'US' },
      { city: 'Miami', state: 'FL', postcode: '33130', country: 'US' },
      { city: 'Orlando', state: 'FL', postcode: '32801', country: 'US' },
      { city: 'Nashville', state: 'TN', postcode: '37203', country: 'US' },
      { city: 'Minneapolis', state: 'MN', postcode: '55401', country: 'US' },
      { city: 'Raleigh', state: 'NC', postcode: '27601', country: 'US' },
    ],
  },
  {
    code: 'CA',
    weight: 6,
    tld: 'ca',
    places: [
      { city: 'Toronto', state: 'ON', postcode: 'M5H 2N2', country: 'CA' },
      { city: 'Vancouver', state: 'BC', postcode: 'V6B 1A1', country: 'CA' },
      { city: 'Calgary', state: 'AB', postcode: 'T2P 1J9', country: 'CA' },
    ],
  },
  {
    code: 'GB',
    weight: 8,
    tld: 'co.uk',
    places: [
      { city: 'London', state: null, postcode: 'EC1A 1BB', country: 'GB' },
      { city: 'Manchester', state: null, postcode: 'M1 1AE', country: 'GB' },
      { city: 'Bristol', state: null, postcode: 'BS1 4DJ', country: 'GB' },
    ],
  },
  {
    code: 'DE',
    weight: 5,
    tld: 'de',
    places: [
      { city: 'Berlin', state: 'BE', postcode: '10115', country: 'DE' },
      { city: 'Munich', state: 'BY', postcode: '80331', country: 'DE' },
      { city: 'Hamburg', state: 'HH', postcode: '20095', country: 'DE' },
    ],
  },
  {
    code: 'IN',
    weight: 6,
    tld: 'in',
    places: [
      { city: 'Bengaluru', state: 'KA', postcode: '560001', country: 'IN' },
      { city: 'Mumbai', state: 'MH', postcode: '400001', country: 'IN' },
      { city: 'Pune', state: 'MH', postcode: '411001', country: 'IN' },
    ],
  },
  {
    code: 'AU',
    weight: 5,
    tld: 'com.au',
    places: [
      { city: 'Sydney', state: 'NSW', postcode: '2000', country: 'AU' },
      { city: 'Melbourne', state: 'VIC', postcode: '3000', country: 'AU' },
    ],
  },
];

// biome-ignore format: a word list
export const STREET_NAMES = [
  'Main', 'Oak', 'Pine', 'Maple', 'Cedar', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Sunset',
  'Market', 'Mission', 'Church', 'High', 'River', 'Spring', 'Mill', 'Ridge', 'Valley',
];
export const STREET_TYPES = ['St', 'Ave', 'Rd', 'Blvd', 'Ln', 'Dr', 'Way'];

/** US and Canadian area codes that libphonenumber accepts. */
// biome-ignore format: a word list
export const US_AREA_CODES = ['415', '510', '213', '310', '619', '512', '214', '713', '303', '602', '206', '503', '312', '212', '718', '617', '404', '305', '407', '615', '612', '919'];
export const CA_AREA_CODES = ['416', '647', '604', '778', '403'];

export const CONSUMER_EMAIL_DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'icloud.com',
  'hotmail.com',
  'aol.com',
  'proton.me',
];

/** Products: commercial ones for contacts at accounts, residential ones for people. */
export const B2B_PRODUCTS = [
  'Commercial solar array',
  'Fleet EV charging',
  'Building energy audit',
  'Battery backup system',
  'LED lighting retrofit',
  'HVAC maintenance contract',
  'Rooftop solar lease',
  'Energy monitoring platform',
];
export const B2C_PRODUCTS = [
  'Residential solar',
  'Kitchen remodel',
  'Roof replacement',
  'Home battery',
  'EV charger install',
  'Heat pump',
  'Window replacement',
  'Bathroom remodel',
];

export const SOURCES = [
  'website',
  'referral',
  'partner',
  'google_ads',
  'linkedin',
  'trade_show',
  'cold_call',
  'webinar',
] as const;
export type Source = (typeof SOURCES)[number];
export const SOURCE_WEIGHTS: Record<Source, number> = {
  website: 28,
  google_ads: 18,
  referral: 14,
  linkedin: 10,
  partner: 9,
  webinar: 8,
  trade_show: 7,
  cold_call: 6,
};
/** Per source: medium and the campaigns it runs. */
export const SOURCE_DETAILS: Record<Source, { medium: string | null; campaigns: (string | null)[] }> = {
  website: { medium: 'organic', campaigns: [null, null, 'Spring Savings 2025', 'Free Home Assessment'] },
  google_ads: {
    medium: 'cpc',
    campaigns: ['Brand Search', 'Solar Near Me', 'Remodel Quotes', 'Spring Savings 2025'],
  },
  referral: { medium: 'referral', campaigns: [null, 'Refer-a-Friend $250'] },
  linkedin: {
    medium: 'social',
    campaigns: ['LinkedIn ABM Q1', 'LinkedIn Facility Managers', 'LinkedIn Retargeting'],
  },
  partner: { medium: 'partner', campaigns: [null, 'Installer Partner Program', 'Utility Rebate Partners'] },
  webinar: {
    medium: 'email',
    campaigns: ['Webinar: Cut Energy Costs', 'Webinar: Solar Tax Credits Explained'],
  },
  trade_show: { medium: 'event', campaigns: ['BuildExpo 2025', 'GreenTech Summit', 'Home Show Spring'] },
  cold_call: { medium: 'outbound', campaigns: [null, 'Outbound Facilities Q2'] },
};
export const SEARCH_TERMS = [
  'solar installers near me',
  'solar panel cost',
  'kitchen remodel quote',
  'ev charger installation',
  'home battery backup',
  'roof replacement cost',
];
export const LANDING_PAGES = [
  '/solar',
  '/quote',
  '/remodel',
  '/ev-charging',
  '/free-assessment',
  '/commercial',
];
export const FORM_NAMES = ['Get a quote', 'Free assessment', 'Contact us', 'Download the guide'];
export const REFERRERS = [
  'https://www.google.com/',
  'https://www.bing.com/',
  'https://www.facebook.com/',
  'https://www.yelp.com/',
  null,
];

export const LOST_REASONS = [
  'Price too high',
  'Chose a competitor',
  'No budget this year',
  'Went dark / no response',
  'Timing not right',
  'Not a fit for our offering',
  'Financing not approved',
  'Project cancelled',
];
export const BUDGET_RANGES = ['< $5k', '$5k–$20k', '$20k–$50k', '$50k–$100k', '$100k+'];
export const AUTHORITY_LEVELS = ['decision_maker', 'influencer', 'researcher', 'unknown'];
export const TIMELINES = ['immediately', '1–3 months', '3–6 months', '6–12 months', 'just browsing'];

export const JOB_TITLES: { title: string; department: string; role: string }[] = [
  { title: 'Facilities Manager', department: 'Operations', role: 'decision_maker' },
  { title: 'Operations Director', department: 'Operations', role: 'decision_maker' },
  { title: 'CFO', department: 'Finance', role: 'decision_maker' },
  { title: 'Controller', department: 'Finance', role: 'influencer' },
  { title: 'Sustainability Lead', department: 'Sustainability', role: 'influencer' },
  { title: 'Office Manager', department: 'Administration', role: 'user' },
  { title: 'Owner', department: 'Executive', role: 'decision_maker' },
  { title: 'Procurement Specialist', department: 'Procurement', role: 'gatekeeper' },
  { title: 'Maintenance Supervisor', department: 'Operations', role: 'user' },
  { title: 'General Manager', department: 'Executive', role: 'decision_maker' },
];

export const CALL_SUBJECTS = [
  'Intro call',
  'Discovery call',
  'Follow-up call',
  'Pricing discussion',
  'Check-in call',
  'Returned call',
];
export const CALL_OUTCOMES = [
  'connected',
  'connected',
  'connected',
  'left_voicemail',
  'no_answer',
  'follow_up_required',
  'busy',
];
export const EMAIL_SUBJECTS = [
  'Re: your {product} inquiry',
  'Your {product} quote',
  'Following up',
  'Case studies you asked for',
  'Scheduling a site visit',
  'Financing options for {product}',
];
export const EMAIL_OUTCOMES = ['sent', 'sent', 'opened', 'replied'];
export const MEETING_SUBJECTS = [
  'Site visit',
  'Product demo',
  'Proposal review',
  'Discovery meeting',
  'Design consultation',
];
export const MEETING_OUTCOMES = ['completed', 'completed', 'completed', 'rescheduled', 'no_show'];
export const NOTES = [
  'Budget confirmed around {budget}.',
  'Decision will be made together with their partner/CFO.',
  'Comparing us with two other installers.',
  'Wants the work done before summer.',
  'Asked about financing and tax credits.',
  'Roof is 15 years old, may need replacement first.',
  'Very responsive; prefers email over phone.',
  'Sent over utility bills for the last 12 months.',
  'Concerned about installation downtime.',
  'Referred by an existing customer; mention the referral discount.',
];
export const CALL_BODIES = [
  'Walked through {product} options and timeline. Next step: send a quote.',
  'Discussed budget ({budget}) and who else is involved in the decision.',
  'Answered questions about warranty and maintenance.',
  'Confirmed requirements; they want a site visit next week.',
  'Quick check-in; still reviewing internally.',
];
export const SMS_BODIES = [
  'Confirmed our appointment for tomorrow.',
  'Sent the quote by email, let me know if you have questions.',
  'Running 10 minutes late, see you soon.',
];

/** Demo team: the owner is added separately. */
export const TEAM: { first: string; last: string; role: 'admin' | 'manager' | 'rep' | 'viewer' }[] = [
  { first: 'Priya', last: 'Shah', role: 'manager' },
  { first: 'Jordan', last: 'Lee', role: 'rep' },
  { first: 'Maria', last: 'Garcia', role: 'rep' },
  { first: 'Sam', last: 'Carter', role: 'rep' },
  { first: 'Chris', last: 'Taylor', role: 'viewer' },
];
