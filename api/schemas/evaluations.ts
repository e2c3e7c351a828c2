// 好差评 (DB32/T 4660): one rating per application per evaluator.
import { Type } from 'typebox';
import { Code } from './common.js';

const Score = Type.Integer({ minimum: 1, maximum: 5 });

export const EvaluationBody = Type.Object(
  {
    rating: Score,
    /** The online indicators: overall satisfaction, efficiency, guide accuracy, convenience, platform usability. */
    indicators: Type.Optional(
      Type.Object(
        {
          satisfaction: Type.Optional(Score),
          efficiency: Type.Optional(Score),
          guideAccuracy: Type.Optional(Score),
          convenience: Type.Optional(Score),
          usability: Type.Optional(Score),
        },
        { additionalProperties: false },
      ),
    ),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
    /** The item the review is about (谁办理、谁负责); absent: the bundle as a whole (lead department). */
    item: Type.Optional(Code),
    channel: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('window')])),
    visitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const EvaluationView = Type.Object({
  id: Type.String(),
  rating: Score,
  level: Type.String({ description: '非常不满意 … 非常满意' }),
  channel: Type.Union([Type.Literal('online'), Type.Literal('window')]),
  rectification: Type.Optional(
    Type.Object({ id: Type.String(), department: Type.String() }, { description: 'a bad review (1–2) opens a rectification at the responsible department' }),
  ),
});
