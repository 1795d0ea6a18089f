/** Imports every type file and builds the schema; defines nothing itself. */
import { builder } from './builder.ts';
import './chat/service.ts';
import './chat/role.ts';
import './chat/channel.ts';
import './chat/user.ts';
import './chat/member.ts';
import './chat/message.ts';
import './chat/credential.ts';
import './chat/invite.ts';
import './chat/webhook.ts';
import './chat/binding.ts';
import './chat/user-binding.ts';
import './chat/user-channel.ts';

export const schema = builder.toSchema({ sortSchema: true });
