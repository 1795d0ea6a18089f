/**
 * Programmable Chat v2 in the graph. Imported for their side effects, parents
 * before children: a child type adds its fields to its parent.
 */
import './service.ts';
import './role.ts';
import './user.ts';
import './channel.ts';
import './member.ts';
import './message.ts';
import './credential.ts';
import './invite.ts';
import './webhook.ts';
import './binding.ts';
import './user-binding.ts';
import './user-channel.ts';
import './live.ts';
