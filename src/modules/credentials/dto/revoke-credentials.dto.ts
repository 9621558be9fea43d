import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';

export const MAX_CREDENTIALS_PER_REQUEST = 1000;

export class RevokeCredentialsDto {
  /** Secrets found exposed (in a repository, a log, a paste), 1 to 1000; any that is a live token is deleted */
  @ApiProperty({
    type: [String],
    example: ['opat_6Zm1yUjQ3d0h4VnBtS2JHa0x0RnN1YlpJd1h0TmhS0Mb3Qz'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CREDENTIALS_PER_REQUEST)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  credentials: string[];
}

/** Always empty: the answer tells nothing about what was found. */
export class RevokeCredentialsResponseDto {}
