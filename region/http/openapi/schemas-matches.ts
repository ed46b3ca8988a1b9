import { ESCALATION_OUTCOMES } from '../../services/checker.js';
import { cbsCode, count, flag, instant, list, nothing, nullable, object, oneOf, oneOfValues, ref, str, uuid } from './schema-helpers.js';
import type { Schema } from './types.js';

/** Matches (7.1.2.3, 7.1.4.3(2)), their coordination, the checker's view of them (7.1.3.2), and notices. */
const kind = oneOfValues('person: signals on the same youth; family: signals on youths of one family (7.1.4.3(2)).', ['person', 'family']);
const contactMadeAt: Schema = { type: ['string', 'null'], format: 'date-time', description: 'When this professional recorded contact with the others, or null.' };
const note = (description: string): Schema => str(`${description} At most 1000 characters; no names of youths; trimmed.`, { maxLength: 1000 });

/** A professional of this region in a match; the checker's view leaves out `own`. */
function localParticipant(withOwn: boolean): Schema {
  return object('A professional of this region.', {
    ...(withOwn ? { own: flag('True for the professional who asks.') } : {}),
    regievoerder: flag('True for the regievoerder.'),
    professional: ref('ProfessionalContact'),
    registeredAt: instant("When this professional's signal was registered."),
    contactMadeAt,
  });
}

/** A professional of another region in an active match, as the national index reported them. */
function remoteParticipant(withOwn: boolean): Schema {
  return object('A professional of another region (cross-region match, found by the national index).', {
    ...(withOwn ? { own: { const: false, description: 'Never the one who asks.' } } : {}),
    regievoerder: { const: false, description: 'Only a professional of this region can be regievoerder here.' },
    professional: ref('RemoteContact'),
    registeredAt: nothing('Not known in this region.'),
    contactMadeAt: nothing('Contact is recorded only for professionals of this region.'),
  });
}

const participant = (withOwn: boolean): Schema => ({
  description: 'A professional in the match: of this region, or of another region.',
  oneOf: [localParticipant(withOwn), remoteParticipant(withOwn)],
});

function match(status: 'active' | 'ended'): Schema {
  return object(status === 'active' ? 'A match that is still active.' : 'A match that has ended.', {
    id: uuid('The match id.'),
    kind,
    status: { const: status, description: status === 'active' ? 'Two or more professionals have an active signal on the youth.' : 'Fewer than two professionals were left.' },
    createdAt: instant('When the match arose.'),
    endedAt: status === 'active' ? nothing('An active match has not ended.') : instant('When the match ended.'),
    regievoerder: nullable('The regievoerder who coordinates care after the match, or null while there is none.', 'ProfessionalContact'),
    coordinated: flag('True when every participating professional recorded contact (afgestemd).'),
    participants:
      status === 'active'
        ? list('The professionals taking part now, one entry each; those of other regions last.', ref('MatchParticipant'), 2)
        : list('Everyone of this region who ever took part, one entry each (a cross-region match may have had only one).', ref('LocalMatchParticipant'), 1),
  });
}

/** The notice kinds that carry the match's family flag; the others always say false. */
const CARRY_FAMILY_FLAG = ['match', 'participant-joined', 'participant-left'];

/** A notice to a professional: the common fields plus its own. */
function notice(description: string, kindName: string, matchId: 'match' | 'none', extra: Record<string, Schema> = {}): Schema {
  return object(description, {
    id: uuid('The notice id.'),
    kind: { const: kindName, description: 'What the notice is about.' },
    matchId: matchId === 'match' ? uuid('The match the notice is about.') : nothing('The notice is about no match.'),
    createdAt: instant('When the notice was made.'),
    read: flag('Whether the notice had been read before this request; reading the list marks every notice read.'),
    family: CARRY_FAMILY_FLAG.includes(kindName)
      ? flag('True when the match is a family match (7.1.4.3(2)).')
      : { const: false, description: 'Always false for this kind.' },
    ...extra,
  });
}
/** Empty when every professional it named has since had their signal on the youth erased (7.1.4.6): they are named no more. */
const others = (description: string): Schema =>
  list(`${description} Empty when the professionals concerned had their signal on the youth erased since (7.1.4.6).`, ref('AnyProfessionalContact'));

export const matchSchemas: Record<string, Schema> = {
  ProfessionalContact: object('Identification and contact details of a professional, as shared with the others in a match (7.1.4.3(2)).', {
    name: str('Full name.'),
    function: str('Job title.'),
    email: str('E-mail address.', { format: 'email' }),
    phone: str('Phone number.'),
    institution: object('Their institution.', { id: uuid('The institution id.'), name: str('Name of the institution.') }),
  }),
  RemoteContact: object('A professional of another region, as the national index reported them (cross-region match, 7.1.2.3).', {
    name: str('Full name.'),
    function: str('Job title.'),
    email: str('E-mail address.'),
    phone: str('Phone number.'),
    institution: object('Their institution; its id is not known in this region.', { id: nothing('Not known in this region.'), name: str('Name of the institution.') }),
    region: str('The id of their regional index.'),
  }),
  AnyProfessionalContact: oneOf('A professional of this region or of another one.', 'ProfessionalContact', 'RemoteContact'),
  MatchParticipant: participant(true),
  LocalMatchParticipant: localParticipant(true),
  Match: oneOf("A match as a participant sees it: the other professionals' contact details, never a BSN (7.1.2.3, 7.1.4.3(2)).", 'ActiveMatch', 'EndedMatch'),
  ActiveMatch: match('active'),
  EndedMatch: match('ended'),
  RegievoerderInput: object('Who coordinates care after the match.', { professionalId: str('The id of a professional taking part in the match (the caller too).', { minLength: 1 }) }),

  Notice: oneOf(
    'A notice to the professional (7.1.2.3, 7.1.4.3(2), 7.1.4.6, 7.1.5.1), rendered with the current contact details. The shape depends on `kind`.',
    'MatchNotice',
    'ParticipantJoinedNotice',
    'ParticipantLeftNotice',
    'ParticipantChangedNotice',
    'RegievoerderNotice',
    'HistoryNotice',
    'InformingReminderNotice',
    'HandoverNotice',
    'MoveNotice',
  ),
  MoveNotice: notice('The population register reports that the youth of one of the professional\'s signals moved (7.1.2.3(g)).', 'move', 'none', {
    signalId: uuid('The signal whose youth moved.'),
    municipality: cbsCode('The CBS code of the municipality the youth now lives in.'),
    inArea: flag('Whether that municipality is part of this covenant area.'),
  }),
  MatchNotice: notice("The professional's signal matched: these are the other professionals (7.1.4.3(2)).", 'match', 'match', {
    professionals: others('The other professionals in the match.'),
  }),
  ParticipantJoinedNotice: notice('Another professional joined a match the professional takes part in.', 'participant-joined', 'match', {
    professionals: others('Who joined.'),
  }),
  ParticipantLeftNotice: notice('Another professional left a match the professional takes part in.', 'participant-left', 'match', {
    professionals: others('Who left.'),
    matchEnded: flag('True when fewer than two professionals are left, so the match ended.'),
  }),
  ParticipantChangedNotice: notice("A colleague took over another professional's place in the match (hand-over, 7.1.3.3).", 'participant-changed', 'match', {
    professionals: others('Who took over.'),
  }),
  RegievoerderNotice: notice('A participant named the regievoerder of the match.', 'regievoerder', 'match', {
    professionals: others('The regievoerder.'),
  }),
  HistoryNotice: notice("The youth of the professional's new signal has an archived signal by another professional; told once only (7.1.4.6).", 'history', 'none', {
    professionals: others('Who made the archived signal.'),
    archivedSignal: object('When the archived signal ran.', { registeredAt: instant('When it was registered.'), removedAt: instant('When it was removed.') }),
  }),
  InformingReminderNotice: notice(
    'The professional has not recorded informing the youth or their representative of a signal (informatieplicht, 7.1.5.1); told once per signal.',
    'informing-reminder',
    'none',
    { signalId: uuid('The signal whose informing is still to be recorded.') },
  ),
  HandoverNotice: notice("The professional's active signals were handed over to a colleague, or a colleague's to them (7.1.3.3).", 'handover', 'none', {
    professionals: others('The other professional of the hand-over.'),
    signalIds: list('The signals that moved.', uuid('A signal id.')),
  }),
  CheckerNotice: oneOf("A notice to a municipality's checker (7.1.3.2). It names no professional and no youth.", 'CheckerMatchNotice', 'CheckerMoveNotice'),
  CheckerMatchNotice: object(
    "A match arose, or reached a youth living in this municipality (7.1.3.2).",
    {
      id: uuid('The notice id.'),
      kind: { const: 'match', description: 'A match concerns this municipality.' },
      matchId: uuid('The match.'),
      createdAt: instant('When the notice was made.'),
      read: flag('Whether the notice had been read before this request; reading the list marks every notice read.'),
      family: flag('True when the match is a family match (7.1.4.3(2)).'),
      municipality: cbsCode("The municipality's CBS code."),
      participantCount: { type: 'integer', minimum: 2, description: 'How many professionals took part when the notice was made.' },
    },
  ),
  CheckerMoveNotice: object(
    'A youth with a signal moved into this municipality (7.1.2.3(g)).',
    {
      id: uuid('The notice id.'),
      kind: { const: 'move', description: 'A youth with a signal moved here.' },
      matchId: nothing('The notice is about no match.'),
      createdAt: instant('When the notice was made.'),
      read: flag('Whether the notice had been read before this request; reading the list marks every notice read.'),
      family: { const: false, description: 'Always false for this kind.' },
      municipality: cbsCode("The municipality's CBS code."),
    },
  ),

  CheckerMatch: object("A match of the checker's municipality (7.1.3.2): who takes part and whether they made contact. Never a BSN.", {
    id: uuid('The match id.'),
    kind,
    status: oneOfValues('Whether the match is still active.', ['active', 'ended']),
    createdAt: instant('When the match arose.'),
    daysOpen: count('Whole days since the match arose.'),
    coordinated: flag('True when every participating professional recorded contact.'),
    regievoerder: nullable('The regievoerder, or null.', 'ProfessionalContact'),
    participants: list(
      'The professionals taking part now, those of other regions last (for an ended match: everyone of this region who took part).',
      participant(false),
      1,
    ),
    escalations: list("The municipality's escalations on this match, oldest first.", ref('Escalation')),
  }),
  Escalation: object('The checker follows up a match whose professionals did not make contact (7.1.3.2).', {
    id: uuid('The escalation id.'),
    matchId: uuid('The match.'),
    note: { type: ['string', 'null'], description: 'The latest note, or null.' },
    outcome: { type: ['string', 'null'], enum: [...ESCALATION_OUTCOMES, null], description: 'The outcome, or null while open.' },
    createdAt: instant('When it was opened.'),
    resolvedAt: { type: ['string', 'null'], format: 'date-time', description: 'When its outcome was recorded, or null while open.' },
  }),
  EscalationInput: object('An optional note for a new escalation. The body may be left out.', { note: note('What the checker did or found.') }, ['note']),
  EscalationOutcomeInput: object('The outcome of an escalation.', {
    outcome: oneOfValues('How the escalation ended.', ESCALATION_OUTCOMES),
    note: note('Replaces the note, if given.'),
  }, ['note']),
};
