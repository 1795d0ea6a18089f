/**
 * Proxy demo data: two services that mask two parties' numbers from each other.
 * Acme Support puts customers in touch with support agents and forwards to the
 * Acme Support Chat service; Acme Rides connects a rider and a driver for one
 * trip. Each has a pool of local numbers (some reserved) and short codes, and
 * sessions of every mode and status, each with two participants and the
 * messages sent to them.
 */
import { at, draws, prng, type Seeder } from './seeder.ts';

type Mode = 'voice-and-message' | 'message-only' | 'voice-only';
type Status = 'open' | 'in-progress' | 'closed';

interface Party {
  identifier: string;
  friendlyName: string;
  /** A number of the pool asked for by value (a reserved number, a short code) instead of allocated. */
  proxyIdentifier?: string;
}

interface SessionPlan {
  uniqueName: string;
  mode: Mode;
  status: Status;
  /** Minutes after the seed's epoch. */
  start: number;
  parties: [Party, Party];
  /** Participants given as `Participants` on the session create, or added one by one afterwards. */
  onCreate: boolean;
  /** Messages sent to a party (0 or 1) through its proxy number, in order, `after` minutes apart. */
  messages: Array<{ to: 0 | 1; body: string; after: number }>;
  expiresAfter?: number;
}

/** Seeds Proxy; `supportChat` is the Chat service the support service forwards to. */
export function seedProxy(seeder: Seeder, opts: { supportChat: string }): void {
  seedSupport(seeder, opts.supportChat);
  seedRides(seeder);
}

// Numbers from the ranges kept for fiction (555 in North America, Ofcom's drama ranges in the UK), so no real phone is named.
const usNumber = (area: string, line: number) => `+1${area}555${String(line).padStart(4, '0')}`;
const ukMobile = (line: number) => `+447700900${String(line).padStart(3, '0')}`;
const ukLondon = (line: number) => `+44207946${String(line).padStart(4, '0')}`;

/** Adds numbers (by number; the SID is made) and short codes (by SID; the code is Twilio's) to a pool; answers the short codes. */
function seedPool(
  seeder: Seeder,
  service: string,
  pool: { numbers: string[]; reserved: string[]; shortCodes: number; reservedShortCodes: number },
  time: number,
): string[] {
  const path = { ServiceSid: service };
  for (const number of pool.numbers) seeder.call('proxy.CreatePhoneNumber', path, { PhoneNumber: number }, time);
  // Reserved numbers are kept out of automatic allocation, for sessions that ask for them by value.
  for (const number of pool.reserved) seeder.call('proxy.CreatePhoneNumber', path, { PhoneNumber: number, IsReserved: true }, time);
  const codes: string[] = [];
  for (let i = 0; i < pool.shortCodes; i++) {
    const code = seeder.call('proxy.CreateShortCode', path, { Sid: seeder.newSid('SC') }, time + 1);
    codes.push(String(code.short_code));
    if (i < pool.reservedShortCodes) seeder.call('proxy.UpdateShortCode', { ...path, Sid: String(code.sid) }, { IsReserved: true }, time + 2);
  }
  return codes;
}

/** Creates one session with its participants and messages, then takes it to its status. */
function seedSession(seeder: Seeder, service: string, plan: SessionPlan): void {
  const path = { ServiceSid: service };
  const given = plan.parties.map((p) => ({ Identifier: p.identifier, FriendlyName: p.friendlyName, ProxyIdentifier: p.proxyIdentifier }));
  // A voice-only session has no messages to start it: its first call does, which the REST API cannot make, so it is created in progress.
  const unstarted = plan.status !== 'open' && plan.messages.length === 0;
  const session = seeder.create(
    'proxy.CreateSession',
    path,
    {
      UniqueName: plan.uniqueName,
      Mode: plan.mode,
      Status: unstarted ? 'in-progress' : undefined,
      DateExpiry: plan.expiresAfter === undefined ? undefined : at(plan.start + plan.expiresAfter),
      Participants: plan.onCreate ? given : undefined,
    },
    plan.start,
  );
  const sessionPath = { ...path, SessionSid: session };
  const participants = plan.onCreate
    ? (seeder.call('proxy.ListParticipant', sessionPath, {}, plan.start).participants as Array<{ sid: string }>).map((p) => p.sid)
    : given.map((p, i) => seeder.create('proxy.CreateParticipant', sessionPath, p, plan.start + 1 + i));

  let clock = plan.start + 3;
  for (const message of plan.messages) {
    clock += message.after;
    // The first message takes an open session in progress.
    seeder.call('proxy.CreateMessageInteraction', { ...sessionPath, ParticipantSid: participants[message.to]! }, { Body: message.body }, clock);
  }
  if (plan.status === 'closed') seeder.call('proxy.UpdateSession', { ...path, Sid: session }, { Status: 'closed' }, clock + 45);
}

/** Fills `{name}` placeholders. */
const fillIn = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k]));

/** The status of the i-th of n sessions by age: the oldest are closed, the newest still open. */
function statusByAge(i: number, n: number, open: number, inProgress: number): Status {
  if (i >= n - open) return 'open';
  return i >= n - open - inProgress ? 'in-progress' : 'closed';
}

// ---- Acme Support: customers and agents, forwarded to Chat ----

const AGENTS = [
  { name: 'Priya (Acme Support)', number: usNumber('628', 3101) },
  { name: 'Mateo (Acme Support)', number: usNumber('628', 3102) },
  { name: 'Hana (Acme Support)', number: usNumber('628', 3103) },
  { name: 'Kofi (Acme Support)', number: usNumber('628', 3104) },
];

const CUSTOMERS = [
  { name: 'Alice Moreau', number: usNumber('650', 2001) },
  { name: 'Bob Okafor', number: usNumber('917', 2002) },
  { name: 'Carol Jensen', number: ukMobile(201) },
  { name: 'Dave Lindqvist', number: usNumber('408', 2004) },
  { name: 'Erin Walsh', number: `whatsapp:${ukMobile(205)}` },
  { name: 'Frank Nakamura', number: usNumber('718', 2006) },
  { name: 'Grace Achebe', number: usNumber('510', 2007) },
  { name: 'Heidi Braun', number: ukMobile(208) },
  { name: 'Ivan Petrov', number: usNumber('646', 2009) },
  { name: 'Judy Alvarez', number: `whatsapp:${usNumber('305', 2010)}` },
  { name: 'Mallory Chen', number: usNumber('415', 2011) },
  { name: 'Niaj Haddad', number: usNumber('212', 2012) },
  { name: 'Olivia Rossi', number: ukMobile(213) },
  { name: 'Peggy Sato', number: usNumber('206', 2014) },
];

const ISSUES = [
  { issue: 'my order #{order} still shows as processing', fix: 'the order was held by a payment check; it ships today.' },
  { issue: 'I was charged twice this month', fix: 'the second charge is refunded; expect it within 3-5 business days.' },
  { issue: 'the app logs me out every few minutes', fix: 'please update to version 4.2.1, which fixes the session timeout.' },
  { issue: 'my parcel went to my old address', fix: 'the courier will redeliver to your new address tomorrow.' },
  { issue: 'I cannot reset my password', fix: 'I have sent a new reset link; it is valid for 30 minutes.' },
];

/** Messages sent to the customer (0) and the agent (1), in the order a case goes. */
const SUPPORT_SCRIPT: Array<[0 | 1, string]> = [
  [1, 'New case #{case} from {customer}: {issue}.'],
  [0, 'Hi {customer}, this is {agent} from Acme Support. I am looking into case #{case} now.'],
  [1, 'Thanks! Let me know if you need anything else from me.'],
  [0, 'Found it: {fix}'],
  [1, 'That worked, thank you!'],
  [0, 'Glad to hear it. Case #{case} is resolved; reply here within 48 hours to reopen it.'],
];

function seedSupport(seeder: Seeder, supportChat: string): void {
  const { int, pick } = draws(prng(11));
  const since = -45_000;
  const service = seeder.create(
    'proxy.CreateService',
    {},
    {
      UniqueName: 'acme-support',
      ChatInstanceSid: supportChat,
      CallbackUrl: 'https://support.acme.example/twilio/proxy/callback',
      InterceptCallbackUrl: 'https://support.acme.example/twilio/proxy/intercept',
      OutOfSessionCallbackUrl: 'https://support.acme.example/twilio/proxy/out-of-session',
      DefaultTtl: 172_800,
      GeoMatchLevel: 'country',
      NumberSelectionBehavior: 'prefer-sticky',
    },
    since,
  );
  // US and UK numbers: a participant is given a number of its own country.
  const vipLine = usNumber('888', 100);
  const [shortCode] = seedPool(
    seeder,
    service,
    {
      numbers: [usNumber('415', 101), usNumber('415', 102), usNumber('415', 103), usNumber('646', 104), ukLondon(105), ukMobile(106)],
      reserved: [vipLine],
      shortCodes: 2,
      reservedShortCodes: 1,
    },
    since + 30,
  );

  const n = CUSTOMERS.length;
  CUSTOMERS.forEach((customer, i) => {
    const agent = AGENTS[i % AGENTS.length]!;
    const caseNo = 10_412 + i * 17;
    const { issue, fix } = pick(ISSUES);
    const status = statusByAge(i, n, 2, 4);
    // Closed cases over the past three weeks; the others opened in the last day, so they have not expired.
    const start = status === 'closed' ? -30_000 + i * 3_000 + int(0, 1_000) : -(n - i) * int(150, 300);
    const channel = customer.number.startsWith('whatsapp:');
    const mode: Mode = channel || i % 4 === 1 ? 'message-only' : i % 7 === 6 ? 'voice-only' : 'voice-and-message';
    const values = { case: caseNo, customer: customer.name.split(' ')[0]!, agent: agent.name.split(' ')[0]!, order: 700_100 + i * 31 };
    const length = mode === 'voice-only' || status === 'open' ? 0 : status === 'closed' ? SUPPORT_SCRIPT.length : int(2, 4);
    const customerParty: Party = { identifier: customer.number, friendlyName: customer.name };
    const agentParty: Party = { identifier: agent.number, friendlyName: agent.name };
    // One customer is on the VIP line, and one message-only case answers from the short code: both asked for by value.
    if (i === 3) agentParty.proxyIdentifier = vipLine;
    if (i === 5 && mode === 'message-only') customerParty.proxyIdentifier = shortCode;
    seedSession(seeder, service, {
      uniqueName: `case-${caseNo}`,
      mode,
      status,
      start,
      parties: [customerParty, agentParty],
      onCreate: i % 2 === 0 && i !== 3,
      messages: SUPPORT_SCRIPT.slice(0, length).map(([to, text]) => ({
        to,
        body: fillIn(text, { ...values, issue: fillIn(issue, values), fix }),
        after: int(2, 40),
      })),
      expiresAfter: status === 'closed' ? undefined : 2_880,
    });
  });
}

// ---- Acme Rides: a rider and a driver for the length of a trip ----

const DRIVERS = [
  { name: 'Omar (driver)', number: usNumber('312', 4101), car: 'grey Toyota Prius, plate 7KJ 2031' },
  { name: 'Rosa (driver)', number: usNumber('312', 4102), car: 'white Honda Civic, plate 4PL 9920' },
  { name: 'Tariq (driver)', number: usNumber('773', 4103), car: 'black Tesla Model 3, plate EV 4411' },
  { name: 'Wen (driver)', number: usNumber('773', 4104), car: 'blue Ford Escape, plate 2MX 7788' },
  { name: 'Yusuf (driver)', number: usNumber('872', 4105), car: 'silver Hyundai Ioniq, plate 9TR 1203' },
];

const PICKUPS = ["O'Hare Terminal 3", '233 S Wacker Dr', 'Union Station, Canal St exit', 'Navy Pier main gate', 'Wrigley Field, Gate K', '875 N Michigan Ave'];

/** Messages sent to the rider (0) and the driver (1), in the order a trip goes. */
const RIDE_SCRIPT: Array<[0 | 1, string]> = [
  [1, 'New trip {trip}: pick up {rider} at {pickup}.'],
  [0, '{driver} is on the way in a {car}. Arriving in {eta} minutes.'],
  [1, 'Hi, I am by the main entrance with a blue suitcase.'],
  [0, 'Your driver has arrived at {pickup}.'],
  [1, 'Coming out now, 1 minute!'],
  [0, 'Thanks for riding with Acme Rides. Rate your trip with {driver} in the app.'],
];

const RIDERS = ['Quinn', 'Sybil', 'Trent', 'Uma', 'Victor', 'Walter', 'Xavi', 'Yasmin', 'Zoe', 'Amir', 'Bea', 'Diego', 'Elif', 'Farah', 'Goran', 'Ines'];

function seedRides(seeder: Seeder): void {
  const { int, pick } = draws(prng(12));
  const since = -44_000;
  const service = seeder.create(
    'proxy.CreateService',
    {},
    {
      UniqueName: 'acme-rides',
      CallbackUrl: 'https://rides.acme.example/twilio/proxy/events',
      OutOfSessionCallbackUrl: 'https://rides.acme.example/twilio/proxy/out-of-session',
      DefaultTtl: 7_200,
      GeoMatchLevel: 'area-code',
      // Riders should not be able to reach a past driver by texting the number of an old trip.
      NumberSelectionBehavior: 'avoid-sticky',
    },
    since,
  );
  const [shortCode] = seedPool(
    seeder,
    service,
    {
      numbers: [usNumber('312', 111), usNumber('312', 112), usNumber('312', 113), usNumber('773', 114), usNumber('773', 115), usNumber('872', 116)],
      reserved: [usNumber('312', 117), usNumber('312', 118)],
      shortCodes: 1,
      reservedShortCodes: 0,
    },
    since + 30,
  );

  const n = RIDERS.length;
  RIDERS.forEach((rider, i) => {
    const driver = DRIVERS[i % DRIVERS.length]!;
    const trip = `T-${48_210 + i * 13}`;
    const status = statusByAge(i, n, 2, 4);
    // Past trips over the last two weeks; the trips under way were booked in the last hour and a half.
    const start = status === 'closed' ? -25_000 + i * 2_000 + int(0, 600) : -(n - i) * int(10, 15);
    const mode: Mode = i % 5 === 2 ? 'message-only' : i % 8 === 7 ? 'voice-only' : 'voice-and-message';
    const pickup = pick(PICKUPS);
    const values = { trip, rider, driver: driver.name.split(' ')[0]!, car: driver.car, pickup, eta: int(3, 12) };
    const length = mode === 'voice-only' || status === 'open' ? 0 : status === 'closed' ? RIDE_SCRIPT.length : int(2, 4);
    const riderParty: Party = { identifier: usNumber(i % 2 ? '312' : '773', 5001 + i), friendlyName: `${rider} (rider)` };
    // Trip notifications of one message-only trip come from the short code.
    if (i === 2) riderParty.proxyIdentifier = shortCode;
    seedSession(seeder, service, {
      uniqueName: `trip-${trip.slice(2)}`,
      mode,
      status,
      start,
      parties: [riderParty, { identifier: driver.number, friendlyName: driver.name }],
      onCreate: i % 2 === 1,
      messages: RIDE_SCRIPT.slice(0, length).map(([to, text]) => ({ to, body: fillIn(text, values), after: int(1, 5) })),
      expiresAfter: status === 'closed' ? undefined : 120,
    });
  });
}
